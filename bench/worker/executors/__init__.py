"""Executors: the ways of running a workload's units concurrently, one file each.

Each module here describes its executor in an ``ExecutorInfo`` (what the harness,
the environments and the report need to know) and registers it with its class
``Executor``, which offers the small surface a workload uses (map, submit,
queue): ``register(INFO, Executor)``. An executor may offer the tutorial's
primitives too (locks, a shared counter, events, channels, handoffs, starting one
unit): it lists them in ``INFO.offers`` and implements ``provide``, ``shared``
and ``launch`` (see ``workloads``' "Primitives" and ``bench.worker.primitives``);
one that offers nothing is skipped, with the reason, for the workloads that need them.

An executor carries its own needs: the modules it imports, the distributions
that provide them and its extra in pyproject.toml, the packages whose versions a
run records, and what its worker must run before importing anything else
(gevent's monkey-patching). The worker environments, the nox sessions, the
machine facts and the worker's start read them here, so a new executor is its
file and its extra. Its module imports its heavy dependencies lazily (the
standard library only at module level), so the harness, and nox's own
interpreter, read every ``INFO`` without them, and a worker imports only its own
executor's module before that hook runs (a threads worker never imports gevent).

A module is named after its executor (``-`` written ``_``), with ``_`` appended
where that name is a library's; one module may register variants named after it
(``processes-fork`` in ``processes``). Modules whose name starts with ``_`` are
helpers, not executors. Not every executor is in the default matrix
(``default``): the optional models (start-method variants,
ProcessPoolExecutor, uvloop, dask) run when asked for by name, so the full
default run stays within its time budget.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from workloads import ProcessSetup

#: The project's distribution, whose extras hold the optional models' libraries.
PROJECT = "concurrency-bench"

#: A Python version as (major, minor): the hooks below answer for the interpreter that will run the workers.
Version = tuple[int, int]
#: What a saved run records of each executor (``bench_run.executors``), so the report needs no table of names.
SAVED_FACTS = ("style", "parallel_cpu", "summary", "unit", "rank", "color", "default", "offers")


@dataclass(frozen=True, kw_only=True)
class ExecutorInfo:
    """An executor as the harness, the environments and the report know it, without importing its libraries.

    Each executor's module declares its own with keywords, one a line, and its primitives (``offers``) in a
    table: alike in shape from one module to the next on purpose (declarations, one per executor, not copies).
    """

    name: str
    style: str  # "sync" (run_sync) or "async" (run_async)
    parallel_cpu: bool  # can run Python bytecode on several cores at once
    summary: str
    unit: str  # what one of its workers is: "thread", "process", "greenlet", "task", "call" (sequential)
    rank: int  # its place in tables and legends
    color: str  # its colour in every figure
    not_free_threaded: str = ""  # why it does not run on a free-threaded build, in words ("": it does)
    default: bool = True  # in the default matrix; otherwise run when named in --executors
    whole_interpreters: bool = False  # each unit is a whole interpreter: --max-processes caps how many a case starts
    offers: Mapping[str, str] = field(default_factory=dict)  # primitive -> what it uses for it, in words
    # What it needs installed, and what its worker runs first:
    requires: tuple[str, ...] = ()  # importable modules it needs (under this Python), checked before a run
    distributions: Mapping[str, str] = field(default_factory=dict)  # what provides them: pyproject's name -> module
    extra: str = ""  # the extra of pyproject.toml that lists them ("": they are the project's own dependencies)
    extra_everywhere: bool = True  # every measuring and testing environment gets the extra (dask's: its own sessions)
    records: tuple[str, ...] = ()  # distributions whose versions a run records besides its own (gevent's greenlet)
    install_hint: str = ""  # advice for a missing module, where installing the extra is not the best one
    before_imports: str = ""  # "module:function" its worker calls before importing anything else

    def facts(self) -> dict[str, Any]:
        """What a saved run records about the executor."""
        return {key: getattr(self, key) for key in SAVED_FACTS} | {"offers": dict(self.offers)}

    @property
    def free_threaded(self) -> bool:
        """Whether it runs on a free-threaded build (``not_free_threaded`` says why not)."""
        return not self.not_free_threaded

    @property
    def install(self) -> str:
        """How to install what ``requires`` names ("" where nothing says more than ``pip install MODULE``)."""
        return self.install_hint or (f"pip install '{PROJECT}[{self.extra}]'" if self.extra else "")

    @property
    def recorded(self) -> tuple[str, ...]:
        """The distributions whose versions a run records for this executor."""
        return (*self.distributions, *self.records)


def _any_python(version: Version) -> None:
    """The default ``unavailable``: an executor that runs under every Python."""


@dataclass(frozen=True)
class Registered:
    """One executor in the registry: its facts, what builds it, and its answers for another Python."""

    info: ExecutorInfo
    build: Callable[..., Any]  # (size, queues, queue_maxsize, setup) -> an executor, not yet started
    unavailable: Callable[[Version], str | None] = _any_python
    requirements: Callable[[Version], tuple[str, ...]] | None = None  # None: ``info.requires`` under every Python


_REGISTRY: dict[str, Registered] = {}


def register(
    info: ExecutorInfo,
    build: Callable[..., Any],
    *,
    unavailable: Callable[[Version], str | None] = _any_python,
    requirements: Callable[[Version], tuple[str, ...]] | None = None,
) -> None:
    """Add an executor to the registry (a module may register several); a name registered twice is an error.

    ``unavailable(version)`` says why it cannot run under a Python whatever is installed (None: it can);
    ``requirements(version)`` the modules it needs there, where they depend on the version.
    """
    if info.name in _REGISTRY:
        raise ValueError(f"executor {info.name!r} is registered twice")
    _REGISTRY[info.name] = Registered(info, build, unavailable, requirements)


def _modules() -> list[str]:
    return [module.name for module in pkgutil.iter_modules(__path__) if not module.name.startswith("_")]


def _named_after(name: str) -> list[str]:
    """The modules that may register ``name``: named after it, then after its stem (processes-fork: processes)."""
    bases = dict.fromkeys((name.replace("-", "_"), name.split("-", maxsplit=1)[0]))
    return [module for base in bases for module in (base, f"{base}_")]


def _entry(name: str) -> Registered:
    """The registration of ``name``, importing only the module named after it where there is one."""
    if name not in _REGISTRY:
        modules = _modules()
        for module in [module for module in _named_after(name) if module in modules][:1]:
            importlib.import_module(f"{__name__}.{module}")
    if name not in _REGISTRY:
        registry()  # a module may register any name
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(name) from None


def info(name: str) -> ExecutorInfo:
    """The ``ExecutorInfo`` of executor ``name`` (imports its module only)."""
    return _entry(name).info


def registry() -> dict[str, ExecutorInfo]:
    """Every executor, in rank order."""
    for module in _modules():
        importlib.import_module(f"{__name__}.{module}")
    return {entry.info.name: entry.info for entry in sorted(_REGISTRY.values(), key=lambda entry: entry.info.rank)}


def defaults() -> list[str]:
    """The executors of the default matrix, in rank order."""
    return [name for name, executor in registry().items() if executor.default]


def extras_everywhere() -> set[str]:
    """The extras every measuring and testing environment gets: the optional models light enough to install anywhere."""
    return {executor.extra for executor in registry().values() if executor.extra and executor.extra_everywhere}


def before_imports(name: str) -> None:
    """Run executor ``name``'s hook that must come before any other import in its worker (an unknown name: none).

    Reading the hook imports only the executor's own module, which imports nothing a hook may patch.
    """
    try:
        hook = info(name).before_imports
    except KeyError:  # the worker reports the unknown executor through its protocol
        return
    if hook:
        module, _, function = hook.partition(":")
        getattr(importlib.import_module(module), function)()


def _findable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a dotted name whose parent package is missing
        return False


def _this_version() -> Version:
    return (sys.version_info.major, sys.version_info.minor)


def requirements(name: str, version: Version | None = None) -> tuple[str, ...]:
    """The modules executor ``name`` needs under Python ``version`` (default: this one).

    ``INFO.requires`` says it for this interpreter; an executor whose needs depend on the
    version (subinterpreters: a backport on 3.12/3.13, the standard library from 3.14)
    registers ``requirements(version)``.
    """
    entry = _entry(name)
    return entry.requirements(version or _this_version()) if entry.requirements else entry.info.requires


def missing_requirements(name: str) -> list[str]:
    """Modules the executor needs that cannot be imported here (found without importing them)."""
    return [mod for mod in requirements(name) if not _findable(mod)]


def unavailable(name: str, version: Version | None = None) -> str | None:
    """Why executor ``name`` cannot run under Python ``version`` (default: this one) whatever is installed, or None.

    An executor may register ``unavailable(version)`` (e.g. subinterpreters on a Python whose
    interpreters share one GIL): a fact of the interpreter, not a user's mistake, so the
    matrix skips its cases with this reason.
    """
    return _entry(name).unavailable(version or _this_version())


def create(name: str, size: int, queues: int, queue_maxsize: int, setup: ProcessSetup | None = None) -> Any:
    """Build executor ``name`` with ``size`` units and ``queues`` queues, not yet started.

    ``setup`` is the workload's per-process set-up: executors that run units in processes of
    their own call it first in each (in-process executors leave it to the workload's prepare).
    """
    return _entry(name).build(size, queues, queue_maxsize, setup)


def runtime_facts(executor: Any) -> dict[str, Any]:
    """What a built executor says of itself (its start method, its implementation), saved with its case."""
    facts = getattr(executor, "facts", None)
    return dict(facts()) if facts is not None else {}
