"""Executors: the ways of running a workload's units concurrently.

Each executor offers the small surface a workload uses (map, submit, queue) and
is built inside the case's own worker process, never in the harness. Modules are
imported by name, so a threads worker never imports gevent, and gevent is only
imported after ``gevent.monkey.patch_all()`` (see ``bench.worker``).
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ExecutorInfo:
    name: str
    module: str  # bench.executors.<module>, holding class ``Executor``
    style: str  # "sync" (run_sync) or "async" (run_async)
    requires: tuple[str, ...]  # importable modules it needs, checked before a run
    parallel_cpu: bool  # can run Python bytecode on several cores at once
    summary: str


EXECUTORS: dict[str, ExecutorInfo] = {
    info.name: info
    for info in (
        ExecutorInfo(
            "sequential",
            "sequential",
            "sync",
            (),
            False,
            "one unit after another in the worker's main thread (the baseline)",
        ),
        ExecutorInfo("threads", "threads", "sync", (), False, "concurrent.futures.ThreadPoolExecutor; queue.Queue"),
        ExecutorInfo("processes", "processes", "sync", (), True, "multiprocessing.Pool; multiprocessing.SimpleQueue"),
        ExecutorInfo(
            "gevent",
            "gevent_",
            "sync",
            ("gevent",),
            False,
            "greenlets after gevent.monkey.patch_all(); gevent.queue.Queue",
        ),
        ExecutorInfo(
            "asyncio",
            "asyncio_",
            "async",
            ("aiohttp",),
            False,
            "asyncio tasks on one event loop; asyncio.Queue; aiohttp client",
        ),
    )
}


def missing_requirements(name: str) -> list[str]:
    """Modules the executor needs that cannot be imported here (found without importing them)."""
    return [mod for mod in EXECUTORS[name].requires if importlib.util.find_spec(mod) is None]


def create(name: str, size: int, queues: int, queue_maxsize: int) -> Any:
    """Build executor ``name`` with ``size`` units and ``queues`` queues, not yet started."""
    module = importlib.import_module(f"{__name__}.{EXECUTORS[name].module}")
    return module.Executor(size, queues, queue_maxsize)
