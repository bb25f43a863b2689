"""Greenlets on one OS thread; the worker has run ``gevent.monkey.patch_all()`` before this is built.

gevent is imported when the executor is built, not with this module: the harness reads ``INFO``
without importing gevent, and only a gevent worker (patched first) ever imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workloads import ProcessSetup

from . import ExecutorInfo

INFO = ExecutorInfo(
    "gevent",
    "sync",
    ("gevent",),
    False,
    "greenlets after gevent.monkey.patch_all(); gevent.queue.Queue",
    unit="greenlet",
    rank=40,
    color="tab:green",
    free_threaded=False,
)


class Executor:
    def __init__(self, size: int, queues: int, queue_maxsize: int, setup: ProcessSetup | None = None) -> None:
        import gevent.queue

        self.workers = size
        self._queues = [gevent.queue.Queue(maxsize=queue_maxsize or None) for _ in range(queues)]

    def start(self) -> None:
        """Greenlets cost microseconds to make: nothing to start ahead."""

    def map(self, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
        import gevent

        # A fixed set of greenlets pulling from one iterator, like a thread pool, so
        # per-unit state (a keep-alive connection) is reused across items.
        results: list[Any] = [None] * len(items)
        todo = iter(enumerate(items))

        def unit() -> None:
            for index, item in todo:
                results[index] = fn(item)

        gevent.joinall([gevent.spawn(unit) for _ in range(min(self.workers, len(items)))], raise_error=True)
        return results

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        import gevent

        greenlet = gevent.spawn(fn, *args)
        greenlet.result = greenlet.get  # the Handle surface
        return greenlet

    def queue(self, index: int = 0) -> Any:
        return self._queues[index]

    def close(self) -> None:
        """Nothing to stop: greenlets end with their work."""
