"""Tasks on one asyncio event loop, which the worker owns and keeps across rounds.

Its primitives are asyncio's: asyncio.Lock, asyncio.Event, asyncio.Queue, ``create_task`` to start a
unit. It has no re-entrant lock (an asyncio.Lock taken twice by one task waits forever), so it offers
none: a workload's RLock variant is left out under asyncio, and says so. A task that computes blocks
the loop until it awaits: its yield is ``await asyncio.sleep(0)``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from workloads import COUNTER, EVENT, LOCK, YIELD, ProcessSetup

from .. import primitives
from . import ExecutorInfo, register

OFFERS = {
    LOCK: "asyncio.Lock",
    COUNTER: "an attribute of one shared object",
    EVENT: "asyncio.Event",
    YIELD: "await asyncio.sleep(0)",
    "channel:queue": "an asyncio.Queue each way",
    "handoff:event": "an asyncio.Event each way (through the loop)",
    "start:task": "loop.create_task(), then await it",
}

INFO = ExecutorInfo(
    name="asyncio",
    style="async",
    parallel_cpu=False,
    summary="asyncio tasks on one event loop; asyncio.Queue; aiohttp client",
    unit="task",
    rank=50,
    color="tab:red",
    offers=OFFERS,
    requires=("aiohttp",),
    distributions={"aiohttp": "aiohttp"},  # a dependency of the project: no extra
)


def pause() -> Awaitable[None]:
    """The yield of a task: ``await pause()`` lets the loop run the others (and poll for I/O)."""
    return asyncio.sleep(0)


class Executor(primitives.Offering):
    def __init__(self, size: int, queues: int, queue_maxsize: int, setup: ProcessSetup | None = None) -> None:
        self.workers = size
        self._maxsize = queue_maxsize
        self._queues: list[asyncio.Queue[Any]] = [asyncio.Queue(maxsize=queue_maxsize) for _ in range(queues)]
        self._made = primitives.Made(INFO.name)

    def _makers(self) -> dict[str, Callable[[], Any]]:
        return {
            LOCK: asyncio.Lock,
            COUNTER: primitives.Cell,
            EVENT: asyncio.Event,
            YIELD: lambda: pause,
            "channel:queue": lambda: primitives.queue_channel(lambda: asyncio.Queue(self._maxsize)),
            "handoff:event": lambda: primitives.async_event_handoff(asyncio.Event),
            "start:task": lambda: None,
        }

    def launch(self, kind: str, fn: Callable[..., Awaitable[Any]], *args: Any) -> asyncio.Task[Any]:
        """A task running ``fn(*args)``, scheduled on the running loop (await it to join it)."""
        self._made.check_kind(kind, OFFERS)
        return asyncio.get_running_loop().create_task(fn(*args))  # type: ignore[arg-type]

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


register(INFO, Executor)
