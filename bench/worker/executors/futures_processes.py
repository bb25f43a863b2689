"""concurrent.futures.ProcessPoolExecutor: what most code written today uses instead of multiprocessing.Pool.

Its per-task path is longer than Pool's: ``submit`` hands the call to a
management thread, which feeds a call queue that a feeder thread pickles into
the pipe (about 3-5x Pool's cost per task at chunksize 1 here), so workloads with
many small tasks show the difference. It starts its processes lazily, one per
``submit`` while none is idle (fork: all on the first ``submit``), so ``start``
forces all of them up before timing with tasks that wait for each other at a
barrier. Queues and the barrier reach the processes by inheritance, through the
initializer, as in ``processes`` (whose ``_inherited`` tables this shares); the
initializer's watchdog ends the processes if the worker is killed: idle
ProcessPoolExecutor processes would otherwise live on.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from workloads import ProcessSetup

from . import ExecutorInfo, register
from ._inherited import QueueRef, install

INFO = ExecutorInfo(
    name="futures-processes",
    style="sync",
    parallel_cpu=True,
    summary="concurrent.futures.ProcessPoolExecutor (the platform's default start method); multiprocessing.SimpleQueue",
    unit="process",
    rank=25,
    color="tab:olive",
    default=False,
    whole_interpreters=True,
)

START_TIMEOUT_S = 60.0  # every process at the barrier by then, or start() fails

_BARRIER: list[Any] = []  # this pool process's start barrier, installed by ``_initialize``


def _initialize(queues: list[Any], setup: ProcessSetup | None, worker_pid: int, barrier: Any) -> None:
    _BARRIER[:] = [barrier]
    install(queues, setup, worker_pid)


def _arrive() -> int:
    """Wait until every pool process has arrived: so each of them ran one of these tasks."""
    _BARRIER[0].wait(START_TIMEOUT_S)
    return os.getpid()


class Executor:
    def __init__(self, size: int, queues: int, queue_maxsize: int, setup: ProcessSetup | None = None) -> None:
        self.workers = size
        self._context = multiprocessing.get_context()
        self._queues: list[Any] = [self._context.SimpleQueue() for _ in range(queues)]
        self._setup = setup
        self._pool: ProcessPoolExecutor | None = None

    def facts(self) -> dict[str, Any]:
        return {"start_method": self._context.get_start_method()}

    def start(self) -> None:
        install(self._queues)
        barrier = self._context.Barrier(self.workers)
        self._pool = ProcessPoolExecutor(
            self.workers,
            mp_context=self._context,
            initializer=_initialize,
            initargs=(self._queues, self._setup, os.getpid(), barrier),
        )
        arrivals = [self._pool.submit(_arrive) for _ in range(self.workers)]
        pids = {future.result(timeout=START_TIMEOUT_S * 2) for future in arrivals}
        if len(pids) != self.workers:  # cannot happen with a barrier of this size, but it is what start promises
            raise RuntimeError(f"{len(pids)} of {self.workers} pool processes started")

    @property
    def pool(self) -> ProcessPoolExecutor:
        assert self._pool is not None, "start() first"
        return self._pool

    def map(self, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
        return list(self.pool.map(fn, items))

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        return self.pool.submit(fn, *args)

    def queue(self, index: int = 0) -> QueueRef:
        return QueueRef(index)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        for q in self._queues:
            q.close()


register(INFO, Executor)
