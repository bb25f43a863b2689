"""The baseline: every unit runs to completion, one after another, in one thread.

Its primitives are what one thread can use: an uncontended threading.Lock and RLock, a plain
counter, an Event (set by a unit that has already run), a generator driven with send() (the
tutorial's yield coroutine, the cheapest switch there is) and a plain call as the floor of
starting a unit. It has no channel: two units that must talk cannot run one after the other.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from typing import Any

from workloads import COUNTER, EVENT, LOCK, RLOCK, YIELD, ProcessSetup

from .. import primitives
from . import ExecutorInfo, register
from .threads import one_thread_makers

OFFERS = {
    LOCK: "threading.Lock, uncontended (one unit at a time)",
    RLOCK: "threading.RLock, uncontended",
    COUNTER: "an attribute of one shared object",
    EVENT: "threading.Event",
    YIELD: "nothing: one unit runs at a time",
    "handoff:generator": "a generator driven with send() by one unit (yield-based coroutines)",
    "start:call": "a plain function call (the floor: no unit is made)",
}

INFO = ExecutorInfo(
    name="sequential",
    style="sync",
    parallel_cpu=False,
    summary="one unit after another in the worker's main thread (the baseline)",
    unit="call",
    rank=0,
    color="black",
    offers=OFFERS,
)


class Deferred:
    """A unit that runs when its result is first asked for (so producers run before consumers)."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self._call: tuple[Callable[..., Any], tuple[Any, ...]] | None = (fn, args)
        self._value: Any = None

    def result(self) -> Any:
        if self._call is not None:
            fn, args = self._call
            self._call = None
            self._value = fn(*args)
        return self._value


class Called:
    """A "unit" that was a plain call, already over: ``join`` says it ran to its end."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        fn(*args)

    def join(self) -> bool:
        return True


class Executor(primitives.Offering):
    def __init__(self, size: int, queues: int, queue_maxsize: int, setup: ProcessSetup | None = None) -> None:
        self.workers = size
        # Unbounded: with one thread, a bounded queue would block its only producer forever.
        self._queues: list[queue.SimpleQueue[Any]] = [queue.SimpleQueue() for _ in range(queues)]
        self._made = primitives.Made(INFO.name)

    @staticmethod
    def _makers() -> dict[str, Callable[[], Any]]:
        return {
            **one_thread_makers(),  # one thread's primitives, uncontended
            "handoff:generator": lambda: (primitives.generator_handoff, None),
            "start:call": lambda: None,
        }

    def launch(self, kind: str, fn: Callable[..., Any], *args: Any) -> Called:
        self._made.check_kind(kind, OFFERS)
        return Called(fn, args)

    def start(self) -> None:
        """Nothing to start."""

    def map(self, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
        return [fn(item) for item in items]

    def submit(self, fn: Callable[..., Any], *args: Any) -> Deferred:
        return Deferred(fn, args)

    def queue(self, index: int = 0) -> Any:
        return self._queues[index]

    def close(self) -> None:
        """Nothing to stop."""


register(INFO, Executor)
