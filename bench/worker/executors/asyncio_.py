"""Tasks on one asyncio event loop, which the worker owns and keeps across rounds."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from workloads import ProcessSetup

from . import ExecutorInfo

INFO = ExecutorInfo(
    "asyncio",
    "async",
    ("aiohttp",),
    False,
    "asyncio tasks on one event loop; asyncio.Queue; aiohttp client",
    unit="task",
    rank=50,
    color="tab:red",
)


class Executor:
    def __init__(self, size: int, queues: int, queue_maxsize: int, setup: ProcessSetup | None = None) -> None:
        self.workers = size
        self._queues: list[asyncio.Queue[Any]] = [asyncio.Queue(maxsize=queue_maxsize) for _ in range(queues)]

    def start(self) -> None:
        """Tasks are made per round: nothing to start ahead."""

    async def map(self, fn: Callable[[Any], Awaitable[Any]], items: list[Any]) -> list[Any]:
        # A fixed set of tasks pulling from one iterator: concurrency is exactly ``workers``.
        results: list[Any] = [None] * len(items)
        todo = iter(enumerate(items))

        async def unit() -> None:
            for index, item in todo:
                results[index] = await fn(item)

        await asyncio.gather(*(unit() for _ in range(min(self.workers, len(items)))))
        return results

    def submit(self, coro: Any) -> asyncio.Task[Any]:
        return asyncio.get_running_loop().create_task(coro)

    def queue(self, index: int = 0) -> asyncio.Queue[Any]:
        return self._queues[index]

    def close(self) -> None:
        """Tasks end with their work; the worker closes the loop."""
