"""Executors: the ways of running a workload's units concurrently, one file each.

Each module here holds ``INFO`` (what the harness and the report need to know)
and a class ``Executor`` offering the small surface a workload uses (map,
submit, queue). An executor may offer the tutorial's primitives too (locks, a
shared counter, events, channels, handoffs, starting one unit): it lists them
in ``INFO.offers`` and implements ``provide``, ``shared`` and ``launch`` (see
``workloads``' "Primitives" and ``bench.worker.primitives``); one that offers
nothing is skipped, with the reason, for the workloads that need them.

An executor is built inside the case's own worker process, never in the
harness. Its module imports its heavy dependencies lazily, so the harness can
read every ``INFO`` and a worker imports only its own executor's module (a
threads worker never imports gevent, and gevent is imported only after
``gevent.monkey.patch_all()``: see ``bench.worker.__main__``). A module is
named after its executor (``-`` written ``_``), with ``_`` appended where that
name is a library's. Modules whose name starts with ``_`` are helpers, not executors.

Not every executor is in the default matrix (``default``): the optional models
(start-method variants, ProcessPoolExecutor, uvloop, dask) are run when asked
for by name, so the full default run stays within its time budget.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from workloads import ProcessSetup


@dataclass(frozen=True)
class ExecutorInfo:
    name: str
    style: str  # "sync" (run_sync) or "async" (run_async)
    requires: tuple[str, ...]  # importable modules it needs, checked before a run
    parallel_cpu: bool  # can run Python bytecode on several cores at once
    summary: str
    unit: str  # what one of its workers is: "thread", "process", "greenlet", "task", "call" (sequential)
    rank: int  # its place in tables and legends
    color: str  # its colour in every figure
    free_threaded: bool = True  # runs on a free-threaded build (gevent does not)
    default: bool = True  # in the default matrix; otherwise run when named in --executors
    whole_interpreters: bool = False  # each unit is a whole interpreter: --max-processes caps how many a case starts
    install: str = ""  # how to get what ``requires`` names, when it is not a plain `pip install MODULE`
    offers: Mapping[str, str] = field(default_factory=dict)  # primitive -> what it uses for it, in words

    def facts(self) -> dict[str, Any]:
        """What a saved run records about the executor, so the report needs no table of executor names."""
        return {
            "style": self.style,
            "parallel_cpu": self.parallel_cpu,
            "summary": self.summary,
            "unit": self.unit,
            "rank": self.rank,
            "color": self.color,
            "default": self.default,
            "offers": dict(self.offers),
        }


def _module(name: str) -> ModuleType:
    base = name.replace("-", "_")
    for candidate in (base, f"{base}_"):
        if importlib.util.find_spec(f"{__name__}.{candidate}") is not None:
            return importlib.import_module(f"{__name__}.{candidate}")
    raise KeyError(name)


def info(name: str) -> ExecutorInfo:
    """The ``INFO`` of executor ``name`` (imports its module only)."""
    found: ExecutorInfo = _module(name).INFO
    return found


def registry() -> dict[str, ExecutorInfo]:
    """Every executor, in rank order."""
    found = [
        importlib.import_module(f"{__name__}.{m.name}").INFO
        for m in pkgutil.iter_modules(__path__)
        if not m.name.startswith("_")
    ]
    return {executor.name: executor for executor in sorted(found, key=lambda executor: executor.rank)}


def defaults() -> list[str]:
    """The executors of the default matrix, in rank order."""
    return [name for name, executor in registry().items() if executor.default]


def _findable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a dotted name whose parent package is missing
        return False


#: A Python version as (major, minor): the hooks below answer for the interpreter that will run the workers.
Version = tuple[int, int]


def _this_version() -> Version:
    return (sys.version_info.major, sys.version_info.minor)


def requirements(name: str, version: Version | None = None) -> tuple[str, ...]:
    """The modules executor ``name`` needs under Python ``version`` (default: this one).

    ``INFO.requires`` says it for this interpreter; a module whose needs depend on the
    version (subinterpreters: a backport on 3.12/3.13, the standard library from 3.14)
    defines ``requirements(version)``.
    """
    module = _module(name)
    by_version = getattr(module, "requirements", None)
    found: tuple[str, ...] = by_version(version or _this_version()) if by_version else module.INFO.requires
    return found


def missing_requirements(name: str) -> list[str]:
    """Modules the executor needs that cannot be imported here (found without importing them)."""
    return [mod for mod in requirements(name) if not _findable(mod)]


def unavailable(name: str, version: Version | None = None) -> str | None:
    """Why executor ``name`` cannot run under Python ``version`` (default: this one) whatever is installed, or None.

    An executor module may define ``unavailable(version)`` (e.g. subinterpreters on a Python
    whose interpreters share one GIL): a fact of the interpreter, not a user's mistake, so the
    matrix skips its cases with this reason.
    """
    check = getattr(_module(name), "unavailable", None)
    reason: str | None = check(version or _this_version()) if check is not None else None
    return reason


def create(name: str, size: int, queues: int, queue_maxsize: int, setup: ProcessSetup | None = None) -> Any:
    """Build executor ``name`` with ``size`` units and ``queues`` queues, not yet started.

    ``setup`` is the workload's per-process set-up: executors that run units in processes of
    their own call it first in each (in-process executors leave it to the workload's prepare).
    """
    return _module(name).Executor(size, queues, queue_maxsize, setup)


def runtime_facts(executor: Any) -> dict[str, Any]:
    """What a built executor says of itself (its start method, its implementation), saved with its case."""
    facts = getattr(executor, "facts", None)
    return dict(facts()) if facts is not None else {}
