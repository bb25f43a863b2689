"""Producer/consumer (the tutorial's "baozi" shop): items through the executor's own queue.

P producers make K items between them, C consumers take them off one queue
(queue.Queue, a multiprocessing queue, gevent.queue or asyncio.Queue, as the
executor provides). Each item costs ``produce_cost`` countdown steps to make and
``consume_cost`` to use. The consumers' checksum must equal the producers'.
"""

from __future__ import annotations

from typing import Any

from . import THROUGHPUT, AsyncExecutor, Outcome, Param, SyncExecutor, Workload, register, spin, split

STOP = None  # one per consumer, put after every producer has finished


def produce(queue: Any, start: int, count: int, cost: int) -> int:
    checksum = 0
    for item in range(start, start + count):
        spin(cost)
        queue.put(item)
        checksum += item
    return checksum


def consume(queue: Any, cost: int) -> int:
    checksum = 0
    while (item := queue.get()) is not STOP:
        spin(cost)
        checksum += item
    return checksum


async def produce_async(queue: Any, start: int, count: int, cost: int) -> int:
    checksum = 0
    for item in range(start, start + count):
        spin(cost)
        await queue.put(item)
        checksum += item
    return checksum


async def consume_async(queue: Any, cost: int) -> int:
    checksum = 0
    while (item := await queue.get()) is not STOP:
        spin(cost)
        checksum += item
    return checksum


@register
class Pipeline(Workload):
    name = "pipeline"
    unit = "items/s"
    queues = 1
    size_param = "items"
    figure = THROUGHPUT
    params = (
        Param("items", "int", 20_000, 3_000, "items produced (and consumed) per round"),
        Param("producers", "count0", 0, 0, "producers (0: as many as workers)"),
        Param("consumers", "count0", 0, 0, "consumers (0: as many as workers)"),
        Param("produce_cost", "count0", 200, 50, "countdown steps to make one item"),
        Param("consume_cost", "count0", 200, 50, "countdown steps to use one item"),
        Param("maxsize", "count0", 64, 64, "queue bound (0: unbounded; sequential ignores it)"),
    )

    @classmethod
    def describe(cls, values: dict[str, Any]) -> str:
        producers, consumers = int(values["producers"]), int(values["consumers"])
        if producers == consumers == 0:
            who = "producers = consumers = workers"
        else:
            who = f"{producers or 'workers'} producers, {consumers or 'workers'} consumers"
        make, use = int(values["produce_cost"]), int(values["consume_cost"])
        cost = (
            f"{make:,} countdown steps to make and to use each"
            if make == use
            else (f"{make:,} countdown steps to make each, {use:,} to use it")
        )
        bound = int(values["maxsize"])
        queue = f"queue bound {bound}" if bound else "unbounded queue"
        return f"{int(values['items']):,} items per round; {cost}; {queue}; {who}"

    @property
    def producers(self) -> int:
        return int(self.p["producers"]) or self.workers

    @property
    def consumers(self) -> int:
        return int(self.p["consumers"]) or self.workers

    def units(self) -> int:
        return self.producers + self.consumers

    def queue_maxsize(self) -> int:
        return int(self.p["maxsize"])

    def _plan(self) -> list[tuple[int, int]]:
        """(first item, count) per producer."""
        plan, start = [], 0
        for count in split(int(self.p["items"]), self.producers):
            plan.append((start, count))
            start += count
        return plan

    def _outcome(self, produced: int, consumed: int) -> Outcome:
        items = int(self.p["items"])
        expected = items * (items - 1) // 2
        return Outcome(value=(produced, consumed), expected=(expected, expected), amount=items)

    def run_sync(self, ex: SyncExecutor) -> Outcome:
        queue = ex.queue(0)
        pcost, ccost = int(self.p["produce_cost"]), int(self.p["consume_cost"])
        producers = [ex.submit(produce, queue, start, count, pcost) for start, count in self._plan()]
        consumers = [ex.submit(consume, queue, ccost) for _ in range(self.consumers)]
        produced = sum(handle.result() for handle in producers)
        for _ in consumers:
            queue.put(STOP)
        consumed = sum(handle.result() for handle in consumers)
        return self._outcome(produced, consumed)

    async def run_async(self, ex: AsyncExecutor) -> Outcome:
        queue = ex.queue(0)
        pcost, ccost = int(self.p["produce_cost"]), int(self.p["consume_cost"])
        producers = [ex.submit(produce_async(queue, s, c, pcost)) for s, c in self._plan()]
        consumers = [ex.submit(consume_async(queue, ccost)) for _ in range(self.consumers)]
        produced = 0
        for task in producers:
            produced += await task
        for _ in consumers:
            await queue.put(STOP)
        consumed = 0
        for task in consumers:
            consumed += await task
        return self._outcome(produced, consumed)
