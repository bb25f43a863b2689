"""A user's own function as a workload: ``--workloads mymodule:func`` or ``path/to/file.py:func``.

One round runs tasks ``0..N-1``: task ``i`` is ``func(i)``. A plain function runs
under the blocking-style executors, an ``async def`` one under asyncio, and
``file.py:fetch+afetch`` offers both forms of the same work. Every task's return
value is checked, by index, against the values of a sequential run made in the
same process before timing (the plain form when there is one), so an executor
that drops or corrupts work can never look fast. ``setup`` (optional, no
arguments) is called once in every process that runs the function, pool
processes included, before anything is timed. A module that sets
``BENCH_NEEDS_SERVER = True`` gets the harness's local HTTP server, its address
in the environment variable ``BENCH_SERVER_URL`` (``GET /delay?ms=L&id=I``
answers ``ok I`` after L milliseconds).

The harness never imports the user's code: it asks a worker process to
``inspect`` a target (``python -m bench.worker --inspect``), which checks the
module, the function and its signature and reports what it found; the class
the harness uses is made from that report (``make``), and only worker
processes load the code (``install``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from . import AsyncExecutor, Outcome, Param, ProcessSetup, SyncExecutor, Workload
from ._result_check import CHECKS, EQUAL, ResultError, checked, reference_problem
from ._user_code import Spec, TargetError, check_signature, file_facts, function, is_async, load_module, version_of

__all__ = [
    "CHECKS",
    "EQUAL",
    "SERVER_ENV",
    "ResultError",
    "Spec",
    "Target",
    "TargetError",
    "inspect_target",
    "install",
    "looks_like_target",
    "make",
]

SERVER_FLAG = "BENCH_NEEDS_SERVER"  # a module setting this true gets the local server, its address in SERVER_ENV
SERVER_ENV = "BENCH_SERVER_URL"


def looks_like_target(text: str) -> bool:
    """Whether a ``--workloads`` item names a target rather than a built-in workload."""
    return ":" in text


def inspect_target(text: str, setup: str | None = None) -> dict[str, Any]:
    """Import a target (and its setup) and report what was found; TargetError for what the user can fix."""
    spec = Spec.parse(text)
    module = load_module(spec)
    found = {name: function(module, spec, name) for name in spec.names}
    forms: dict[str, str | None] = {"sync": None, "async": None}
    for name, fn in found.items():
        form = "async" if is_async(fn) else "sync"
        if forms[form] is not None:
            raise TargetError(
                f"{spec.text}: {forms[form]} and {name} are both {'async def' if form == 'async' else 'plain'} "
                "functions; give one plain and one async def form of the same work"
            )
        forms[form] = name
        check_signature(spec, name, fn, (0,), f"{name}(i), with the task index i")
    report: dict[str, Any] = {
        "spec": text,
        "where": spec.where,
        "module": module.__name__,
        "version": version_of(module),
        **file_facts(module),
        **forms,
        "needs_server": bool(getattr(module, SERVER_FLAG, False)),
        "setup": None,
    }
    if setup:
        setup_spec = Spec.parse(setup)
        if len(setup_spec.names) != 1:
            raise TargetError(f"--setup {setup}: give one function")
        setup_module = load_module(setup_spec)
        name = setup_spec.names[0]
        fn = function(setup_module, setup_spec, name)
        check_signature(setup_spec, name, fn, (), f"{name}(), with no arguments")
        report["setup"] = {"spec": setup, "where": setup_spec.where, "name": name, **file_facts(setup_module)}
    return report


# ---- in the worker and its pool processes ---------------------------------------------------------------------


@dataclass
class Installed:
    """The target's functions in this process, once loaded and set up."""

    plain: Callable[[int], Any] | None
    coroutine: Callable[[int], Any] | None


_INSTALLED: Installed | None = None
_INSTALLED_IN = 0  # the pid that installed it: a forked pool process inherits it, but must run setup itself


def install(info: dict[str, Any]) -> Installed:
    """Load the target in this process and run its setup, once per process (a pool initializer too)."""
    global _INSTALLED, _INSTALLED_IN
    if _INSTALLED is None or os.getpid() != _INSTALLED_IN:
        spec = Spec.parse(info["spec"])
        module = load_module(spec)
        plain = function(module, spec, info["sync"]) if info.get("sync") else None
        coroutine = function(module, spec, info["async"]) if info.get("async") else None
        setup = info.get("setup")
        if setup:
            setup_spec = Spec.parse(setup["spec"])
            function(load_module(setup_spec), setup_spec, setup["name"])()
        _INSTALLED, _INSTALLED_IN = Installed(plain, coroutine), os.getpid()
    return _INSTALLED


def call(i: int) -> Any:
    """Task ``i`` of the plain form (module level, so a pool can pickle it by reference)."""
    assert _INSTALLED is not None, "install() first"
    assert _INSTALLED.plain is not None, "this target has no plain form: only an async executor runs it"
    return _INSTALLED.plain(i)


async def acall(i: int) -> Any:
    """Task ``i`` of the async form."""
    assert _INSTALLED is not None, "install() first"
    assert _INSTALLED.coroutine is not None, "this target has no async def form: only a blocking executor runs it"
    return await _INSTALLED.coroutine(i)


class Target(Workload):
    """Base of the class made for each target (``make``): task i is the user's function called with i."""

    unit = "tasks/s"
    size_param = "tasks"
    heatmap = True
    params = (Param("tasks", "count0", 0, 0, "tasks per round (0: sized so a sequential round takes --round-seconds)"),)
    info: ClassVar[dict[str, Any]] = {}
    expected: ClassVar[list[Any] | None] = None  # the sequential run's values, made in this process before timing

    @classmethod
    def describe(cls, values: dict[str, Any]) -> str:
        forms = " / ".join(str(cls.info[form]) for form in ("sync", "async") if cls.info.get(form))
        return f"{cls.info['spec']}: {int(values['tasks']):,} tasks per round, task i = {forms}(i)"

    @classmethod
    def summary(cls) -> str:
        return f"your function {cls.info['spec']}"

    @classmethod
    def facts(cls, values: dict[str, Any]) -> dict[str, Any]:
        return {**super().facts(values), "target": cls.info}

    @property
    def tasks(self) -> int:
        return int(self.p["tasks"])

    def skip_reason(self, executor: str, style: str) -> str | None:
        both = f"{self.info['where']}:func+afunc"
        if style == "async" and not self.info.get("async"):
            # Skipped, not measured as blocking: in the loop a plain function runs one task at a time (that is
            # the sequential case again), and through run_in_executor it would be the threads case again.
            return (
                f"{executor} runs only your async def functions: a plain one would block its loop (the sequential "
                f"case again); give both forms to measure it ({both})"
            )
        if style == "sync" and not self.info.get("sync"):
            return f"only an event loop runs an async def function; give both forms to measure the others ({both})"
        return None

    def process_setup(self) -> ProcessSetup | None:
        return install, (self.info,)

    @property
    def check(self) -> str:
        """How results are checked against the sequential run's (``--check``)."""
        return str(self.info.get("check") or EQUAL)

    def _set_expected(self, values: list[Any], again: Any) -> None:
        """Keep the sequential run's values, once ``again`` (task 0 called a second time) shows they can be kept."""
        name = str(self.info.get("sync") or self.info.get("async"))
        crosses = bool(self.context.get("crosses_processes"))  # its results come back pickled
        problem = reference_problem(name, values[0], again, self.check, crosses) if values else None
        if problem:
            raise ResultError(problem)
        type(self).expected = values

    def prepare_sync(self, ex: SyncExecutor) -> None:
        install(self.info)
        if type(self).expected is None:
            self._set_expected([call(i) for i in range(self.tasks)], call(0))

    async def prepare_async(self, ex: AsyncExecutor) -> None:
        installed = install(self.info)
        if type(self).expected is None:
            if installed.plain is not None:  # the plain form is the reference whenever there is one
                self._set_expected([call(i) for i in range(self.tasks)], call(0))
            else:
                self._set_expected([await acall(i) for i in range(self.tasks)], await acall(0))

    def _check(self, results: list[Any]) -> Outcome:
        expected = type(self).expected
        assert expected is not None, "prepare first"
        passed, detail = checked(results, expected, self.check)
        return Outcome(value=passed, expected=len(expected), amount=self.tasks, detail=detail)

    def run_sync(self, ex: SyncExecutor) -> Outcome:
        return self._check(ex.map(call, list(range(self.tasks))))

    async def run_async(self, ex: AsyncExecutor) -> Outcome:
        return self._check(await ex.map(acall, list(range(self.tasks))))


def make(label: str, info: dict[str, Any]) -> type[Target]:
    """The workload class of one inspected target (no import of the user's code happens here)."""
    styles = tuple(style for style in ("sync", "async") if info.get(style))
    attributes = {
        "name": label,
        "info": info,
        "styles": styles,
        "expected": None,
        "needs_server": bool(info.get("needs_server")),
    }
    return type(f"Target_{label}", (Target,), attributes)
