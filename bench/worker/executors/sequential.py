"""The baseline: every unit runs to completion, one after another, in one thread."""

from __future__ import annotations

import queue
from collections.abc import Callable
from typing import Any

from workloads import ProcessSetup

from . import ExecutorInfo

INFO = ExecutorInfo(
    "sequential",
    "sync",
    (),
    False,
    "one unit after another in the worker's main thread (the baseline)",
    unit="call",
    rank=0,
    color="black",
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


class Executor:
    def __init__(self, size: int, queues: int, queue_maxsize: int, setup: ProcessSetup | None = None) -> None:
        self.workers = size
        # Unbounded: with one thread, a bounded queue would block its only producer forever.
        self._queues: list[queue.SimpleQueue[Any]] = [queue.SimpleQueue() for _ in range(queues)]

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
