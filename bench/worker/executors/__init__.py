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
named after its executor, with ``_`` appended where that name is a library's.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
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
            "offers": dict(self.offers),
        }


def _module(name: str) -> ModuleType:
    for candidate in (name, f"{name}_"):
        if importlib.util.find_spec(f"{__name__}.{candidate}") is not None:
            return importlib.import_module(f"{__name__}.{candidate}")
    raise KeyError(name)


def info(name: str) -> ExecutorInfo:
    """The ``INFO`` of executor ``name`` (imports its module only)."""
    found: ExecutorInfo = _module(name).INFO
    return found


def registry() -> dict[str, ExecutorInfo]:
    """Every executor, in rank order."""
    found = [importlib.import_module(f"{__name__}.{m.name}").INFO for m in pkgutil.iter_modules(__path__)]
    return {executor.name: executor for executor in sorted(found, key=lambda executor: executor.rank)}


def missing_requirements(name: str) -> list[str]:
    """Modules the executor needs that cannot be imported here (found without importing them)."""
    return [mod for mod in info(name).requires if importlib.util.find_spec(mod) is None]


def create(name: str, size: int, queues: int, queue_maxsize: int, setup: ProcessSetup | None = None) -> Any:
    """Build executor ``name`` with ``size`` units and ``queues`` queues, not yet started.

    ``setup`` is the workload's per-process set-up: executors that run units in processes of
    their own call it first in each (in-process executors leave it to the workload's prepare).
    """
    return _module(name).Executor(size, queues, queue_maxsize, setup)
