"""OS threads from a ThreadPoolExecutor, all started before timing; queue.Queue between them."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from workloads import ProcessSetup

from . import ExecutorInfo

INFO = ExecutorInfo(
    "threads",
    "sync",
    (),
    False,
    "concurrent.futures.ThreadPoolExecutor; queue.Queue",
    unit="thread",
    rank=10,
    color="tab:blue",
)


class Executor:
    def __init__(self, size: int, queues: int, queue_maxsize: int, setup: ProcessSetup | None = None) -> None:
        self.workers = size
        self._pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="bench")
        self._queues: list[queue.Queue[Any]] = [queue.Queue(maxsize=queue_maxsize) for _ in range(queues)]

    def start(self) -> None:
        # The pool makes threads lazily; tasks that wait for each other force all of them now.
        barrier = threading.Barrier(self.workers)
        list(self._pool.map(lambda _: barrier.wait(), range(self.workers)))

    def map(self, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
        return list(self._pool.map(fn, items))

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        return self._pool.submit(fn, *args)

    def queue(self, index: int = 0) -> Any:
        return self._queues[index]

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
