"""A multiprocessing.Pool, started before timing; multiprocessing queues between its processes.

``processes`` uses the platform's default start method (fork on Linux up to 3.13,
forkserver from 3.14, spawn on macOS and Windows), as most code gets it; the
variants ``processes-fork``, ``processes-forkserver`` and ``processes-spawn``
(this pool, registered once per method: see ``VARIANTS``) fix the method, so it
is part of the case's name, and every case records the method it ran with
(``facts``).

The queues are ``multiprocessing.SimpleQueue``: a ``put`` writes straight to the
pipe, so once a producer has returned, none of its items can be overtaken by a
stop marker put afterwards (``multiprocessing.Queue`` hands items to a feeder
thread and loses that order). The pipe's buffer is the bound, so ``maxsize`` is
not used. Queues reach pool processes only by inheritance: they are made before
the pool and installed by its initializer; workloads get a picklable
``QueueRef`` that finds the queue in whichever process it is used
(``_inherited``). The
initializer also starts a watchdog (``bench.worker.orphans``), so no pool process
outlives a worker that was killed.

The tutorial's primitives reach the pool the same way: ``provide`` makes them
(a multiprocessing Lock, RLock, Event, a RawValue in shared memory, Queues,
SimpleQueues, Pipes, a Manager's queues) before ``start`` forks the pool, and
``shared`` hands out a ``Shared`` reference that unpickles, in a pool process,
to the primitive itself (so nothing stands between a unit and it). ``launch``
starts one ``Process`` under a start method of its kind, outside the pool.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from multiprocessing.pool import AsyncResult, MaybeEncodingError, Pool  # type: ignore[attr-defined]
from typing import Any

from workloads import COUNTER, EVENT, LOCK, RLOCK, YIELD, ProcessSetup

from .. import primitives
from . import ExecutorInfo, Version, register
from ._inherited import QueueRef, install, reference, table

METHODS = multiprocessing.get_all_start_methods()  # this platform's start methods, its default first

OFFERS = {
    LOCK: "multiprocessing.Lock",
    RLOCK: "multiprocessing.RLock",
    COUNTER: "multiprocessing.RawValue('q') in shared memory",
    EVENT: "multiprocessing.Event",
    YIELD: "nothing: the OS schedules processes by itself",
    "channel:queue": "a multiprocessing.Queue each way",
    "channel:simple_queue": "a multiprocessing.SimpleQueue each way",
    "channel:pipe": "multiprocessing.Pipe (send/recv, pickled)",
    "channel:manager": "a Manager().Queue() each way (through the manager's server process)",
    "handoff:pipe": "multiprocessing.Pipe, one byte each way (send_bytes/recv_bytes)",
    **{f"start:{method}": f"multiprocessing Process, {method} start method, then join()" for method in METHODS},
}

INFO = ExecutorInfo(
    name="processes",
    style="sync",
    parallel_cpu=True,
    summary="multiprocessing.Pool (the platform's default start method); multiprocessing.SimpleQueue",
    unit="process",
    rank=20,
    color="tab:orange",
    whole_interpreters=True,
    offers=OFFERS,
)


def method_unavailable(method: str, version: Version | None = None) -> str | None:
    """Why start method ``method`` cannot start processes here (Windows has no fork), or None."""
    if method not in multiprocessing.get_all_start_methods():
        return f"the {method} start method does not exist on {sys.platform}"
    return None


def _pid(_: object) -> int:
    return os.getpid()


class Handle:
    def __init__(self, pending: AsyncResult[Any]) -> None:
        self._pending = pending

    def result(self) -> Any:
        return self._pending.get()


class Started:
    """A started ``Process``; ``join`` says whether its function ran to its end (exit code 0)."""

    def __init__(self, process: Any) -> None:
        self.process = process
        process.start()

    def join(self) -> bool:
        self.process.join()
        return bool(self.process.exitcode == 0)


def _ready() -> None:
    """A process that does nothing: started once per start method before timing (the forkserver, the tracker)."""


class Executor(primitives.Offering):
    def __init__(
        self,
        size: int,
        queues: int,
        queue_maxsize: int,
        setup: ProcessSetup | None = None,
        start_method: str | None = None,  # None: the platform's default
    ) -> None:
        self.workers = size
        self._context = multiprocessing.get_context(start_method)
        self._queues: list[Any] = [self._context.SimpleQueue() for _ in range(queues)]
        self._maxsize = queue_maxsize
        self._setup = setup
        self._pool: Pool | None = None
        self._made = primitives.Made(INFO.name)
        self._manager: Any = None

    def _manager_queue(self) -> Any:
        if self._manager is None:
            self._manager = self._context.Manager()
        return self._manager.Queue(self._maxsize)

    def _warm(self, method: str) -> None:
        """Start one process by ``method`` now, so its one-time helpers (forkserver, resource tracker) exist."""
        context: Any = multiprocessing.get_context(method)
        Started(context.Process(target=_ready, daemon=True)).join()

    def _makers(self) -> dict[str, Callable[[], Any]]:
        makers: dict[str, Callable[[], Any]] = {
            LOCK: self._context.Lock,
            RLOCK: self._context.RLock,
            COUNTER: lambda: self._context.RawValue("q", 0),
            EVENT: self._context.Event,
            YIELD: lambda: primitives.nothing,
            "channel:queue": lambda: primitives.queue_channel(lambda: self._context.Queue(self._maxsize)),
            "channel:simple_queue": lambda: primitives.queue_channel(self._context.SimpleQueue),
            "channel:pipe": self._context.Pipe,
            "channel:manager": lambda: primitives.queue_channel(self._manager_queue),
            "handoff:pipe": lambda: primitives.pipe_handoff(self._context.Pipe),
        }
        for method in METHODS:
            makers[f"start:{method}"] = lambda method=method: self._warm(method)  # type: ignore[misc]
        return makers

    def shared(self, capability: str, index: int = 0) -> Any:
        """A reference per primitive (a pair of them for a channel's or a handoff's two ends)."""
        return reference(capability, index, self._made.get(capability, index))

    def launch(self, kind: str, fn: Callable[..., Any], *args: Any) -> Started:
        """A new ``Process`` running ``fn(*args)`` under the start method of ``kind`` ("start:spawn"), started."""
        self._made.check_kind(kind, OFFERS)
        context: Any = multiprocessing.get_context(kind.split(":", 1)[1])
        return Started(context.Process(target=fn, args=args, daemon=True))

    def facts(self) -> dict[str, Any]:
        return {"start_method": self._context.get_start_method()}

    def start(self) -> None:
        shared = table(self._made.made)
        install(self._queues, shared=shared)
        self._pool = self._context.Pool(
            self.workers, initializer=install, initargs=(self._queues, self._setup, os.getpid(), shared)
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
        if self._manager is not None:
            self._manager.shutdown()


register(INFO, Executor)

#: The start-method variants, method -> (rank, colour): one definition (the pool above, its method fixed), three
#: registrations.
VARIANTS = {
    # The child is a copy of the worker, its memory shared copy-on-write: the cheapest start, unsafe once the
    # parent has threads (deprecated then from 3.12), and not available on Windows. Linux's default up to 3.13.
    "fork": (21, "sandybrown"),
    # Children are forked from a small server process, started once and single-threaded, that has imported
    # little: safer than fork, cheaper than spawn. Linux's default from 3.14.
    "forkserver": (22, "chocolate"),
    # Each child is a fresh interpreter that imports what it needs (the worker's module, the workload, a user's
    # target, loaded again by path): the slowest start and the most memory per process. macOS's and Windows'
    # default.
    "spawn": (23, "saddlebrown"),
}


def _register_variants() -> None:
    for method, (rank, color) in VARIANTS.items():
        register(
            replace(  # the same primitives as processes, made in this start method's context
                INFO,
                name=f"processes-{method}",
                summary=f"multiprocessing.Pool, {method} start method; multiprocessing.SimpleQueue",
                rank=rank,
                color=color,
                default=False,
            ),
            functools.partial(Executor, start_method=method),
            unavailable=functools.partial(method_unavailable, method),
        )


_register_variants()
