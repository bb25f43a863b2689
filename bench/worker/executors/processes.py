"""A multiprocessing.Pool, started before timing; multiprocessing queues between its processes.

``processes`` uses the platform's default start method (fork on Linux up to 3.13,
forkserver from 3.14, spawn on macOS and Windows), as most code gets it; the
variants ``processes-fork``, ``processes-forkserver`` and ``processes-spawn``
(one file each) fix the method, so it is part of the case's name, and every
case records the method it ran with (``facts``).

The queues are ``multiprocessing.SimpleQueue``: a ``put`` writes straight to the
pipe, so once a producer has returned, none of its items can be overtaken by a
stop marker put afterwards (``multiprocessing.Queue`` hands items to a feeder
thread and loses that order). The pipe's buffer is the bound, so ``maxsize`` is
not used. Queues reach pool processes only by inheritance: they are made before
the pool and installed by its initializer; workloads get a picklable
``QueueRef`` that finds the queue in whichever process it is used. The
initializer also starts a watchdog (``bench.worker.orphans``), so no pool process
outlives a worker that was killed.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable
from multiprocessing.pool import AsyncResult, MaybeEncodingError, Pool  # type: ignore[attr-defined]
from typing import Any

from workloads import ProcessSetup

from ..orphans import exit_with
from . import ExecutorInfo

INFO = ExecutorInfo(
    "processes",
    "sync",
    (),
    True,
    "multiprocessing.Pool (the platform's default start method); multiprocessing.SimpleQueue",
    unit="process",
    rank=20,
    color="tab:orange",
    whole_interpreters=True,
)

_QUEUES: list[Any] = []  # this process's queues, installed by ``_install``


def method_unavailable(method: str) -> str | None:
    """Why start method ``method`` cannot start processes here (Windows has no fork), or None."""
    if method not in multiprocessing.get_all_start_methods():
        return f"the {method} start method does not exist on {sys.platform}"
    return None


def _pid(_: object) -> int:
    return os.getpid()


def _install(queues: list[Any], setup: ProcessSetup | None = None, worker_pid: int | None = None) -> None:
    """Pool initializer: this process's queues, a watchdog on the worker, and the workload's per-process set-up."""
    _QUEUES[:] = queues
    if worker_pid is not None:
        exit_with(worker_pid)
    if setup is not None:
        fn, args = setup
        fn(*args)


class QueueRef:
    """Queue ``index`` of the executor, usable in the parent and in every pool process."""

    def __init__(self, index: int) -> None:
        self.index = index

    def put(self, item: Any) -> None:
        _QUEUES[self.index].put(item)

    def get(self) -> Any:
        return _QUEUES[self.index].get()


class Handle:
    def __init__(self, pending: AsyncResult[Any]) -> None:
        self._pending = pending

    def result(self) -> Any:
        return self._pending.get()


class Executor:
    start_method: str | None = None  # None: the platform's default

    def __init__(self, size: int, queues: int, queue_maxsize: int, setup: ProcessSetup | None = None) -> None:
        self.workers = size
        self._context = multiprocessing.get_context(self.start_method)
        self._queues: list[Any] = [self._context.SimpleQueue() for _ in range(queues)]
        self._setup = setup
        self._pool: Pool | None = None

    def facts(self) -> dict[str, Any]:
        return {"start_method": self._context.get_start_method()}

    def start(self) -> None:
        _install(self._queues)
        self._pool = self._context.Pool(
            self.workers, initializer=_install, initargs=(self._queues, self._setup, os.getpid())
        )
        self._pool.map(_pid, range(self.workers), chunksize=1)  # every process up and serving

    @property
    def pool(self) -> Pool:
        assert self._pool is not None, "start() first"
        return self._pool

    def map(self, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
        try:
            return self.pool.map(fn, items, chunksize=1)
        except MaybeEncodingError as exc:  # the pool's own words are about its internals: say what it means
            raise TypeError(
                f"a task's result cannot be pickled, so it cannot come back from its pool process ({exc})"
            ) from exc

    def submit(self, fn: Callable[..., Any], *args: Any) -> Handle:
        return Handle(self.pool.apply_async(fn, args))

    def queue(self, index: int = 0) -> QueueRef:
        return QueueRef(index)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
        for q in self._queues:
            q.close()
