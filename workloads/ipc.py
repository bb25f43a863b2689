"""Messages between two units through each executor's own channels: round trips and one-way streams.

Threads pass messages through a queue.Queue, gevent and asyncio through their
own queues; processes through a multiprocessing Queue, a SimpleQueue, a Pipe
and a Manager's queue (the tutorial's Manager is here because users reach for
it: the figures show what its server process costs). At 64 B, 4 KiB and 1 MiB,
one unit sends and the other echoes (the round trip, in microseconds), then
one unit streams messages that the other sums (microseconds per message, so
messages per second), each for about ``--ipc-seconds``. The first message of
each measurement is not timed; a stream is timed up to the receiver's answer,
because a multiprocessing Queue's ``put`` returns before its feeder thread has
sent the data. In-process queues pass references: the payload's size costs
them nothing, and the figures show it. The round checks that every echo has
the size sent and that the receiver got every byte.
"""

from __future__ import annotations

import time
from typing import Any

from . import CHANNEL, AsyncExecutor, Measure, Outcome, Param, SyncExecutor, kind_name, register
from ._costs import CostPerKind

PAYLOADS = (64, 4096, 1024 * 1024)
STOP = None  # the last message of a measurement


def size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size // (1024 * 1024)} MiB"
    return f"{size // 1024} KiB" if size >= 1024 else f"{size} B"


def ping(end: Any, payload: bytes, seconds: float) -> tuple[int, float, bool]:
    """Round trips for ``seconds`` (at least one) after an untimed one: (trips, seconds taken, echoes right)."""
    size = len(payload)
    end.send(payload)
    right = len(end.recv()) == size
    trips, started = 0, time.perf_counter()
    deadline = started + seconds
    while True:
        end.send(payload)
        right = len(end.recv()) == size and right
        trips += 1
        if time.perf_counter() >= deadline:
            break
    took = time.perf_counter() - started
    end.send(STOP)
    return trips, took, right


def echo(end: Any) -> int:
    """Sends every message back until STOP; how many it echoed."""
    echoed = 0
    while (message := end.recv()) is not STOP:
        end.send(message)
        echoed += 1
    return echoed


def stream(end: Any, payload: bytes, seconds: float) -> tuple[int, float, int]:
    """Sends for ``seconds`` (at least one message), then STOP, timed up to the receiver's total."""
    end.send(payload)
    end.recv()  # the receiver is up
    sent, started = 0, time.perf_counter()
    deadline = started + seconds
    while True:
        end.send(payload)
        sent += 1
        if time.perf_counter() >= deadline:
            break
    end.send(STOP)
    total = end.recv()
    return sent, time.perf_counter() - started, total


def sink(end: Any) -> int:
    """Sums the sizes of the messages until STOP, answers with the sum."""
    end.recv()
    end.send(0)
    total = 0
    while (message := end.recv()) is not STOP:
        total += len(message)
    end.send(total)
    return total


async def ping_async(end: Any, payload: bytes, seconds: float) -> tuple[int, float, bool]:
    size = len(payload)
    await end.send(payload)
    right = len(await end.recv()) == size
    trips, started = 0, time.perf_counter()
    deadline = started + seconds
    while True:
        await end.send(payload)
        right = len(await end.recv()) == size and right
        trips += 1
        if time.perf_counter() >= deadline:
            break
    took = time.perf_counter() - started
    await end.send(STOP)
    return trips, took, right


async def echo_async(end: Any) -> int:
    echoed = 0
    while (message := await end.recv()) is not STOP:
        await end.send(message)
        echoed += 1
    return echoed


async def stream_async(end: Any, payload: bytes, seconds: float) -> tuple[int, float, int]:
    await end.send(payload)
    await end.recv()
    sent, started = 0, time.perf_counter()
    deadline = started + seconds
    while True:
        await end.send(payload)
        sent += 1
        if time.perf_counter() >= deadline:
            break
    await end.send(STOP)
    total = await end.recv()
    return sent, time.perf_counter() - started, int(total)


async def sink_async(end: Any) -> int:
    await end.recv()
    await end.send(0)
    total = 0
    while (message := await end.recv()) is not STOP:
        total += len(message)
    await end.send(total)
    return total


@register
class Ipc(CostPerKind):
    name = "ipc"
    place = 120
    unit = "messages/s"
    family = CHANNEL
    in_quick = False  # 24 measurements under processes, a Manager among them: time, whatever the sizes
    measures = (
        Measure("rtt_us", "Round trip: a message there and back", "us per round trip"),
        Measure("messages_per_s", "One way: messages per second", "messages/s", True, False),
    )
    params = (
        Param("seconds", "duration", 0.02, 0.005, "time each channel, payload and direction is measured for"),
        Param("bound", "int", 16, 16, "bound of in-process queues (an unbounded one never makes a sender wait)"),
    )

    @classmethod
    def describe(cls, values: dict[str, Any]) -> str:
        sizes = ", ".join(size_label(size) for size in PAYLOADS)
        ms = float(values["seconds"]) * 1e3
        return (
            f"two units exchange messages of {sizes} through each channel, {ms:g} ms per channel, size and "
            f"direction; queues bounded at {int(values['bound'])} (workers: not used)"
        )

    def units(self) -> int:
        return 2

    def queue_maxsize(self) -> int:
        return int(self.p["bound"])

    def _plan(self) -> list[tuple[str, int]]:
        return [(kind, size) for kind in self.kinds() for size in PAYLOADS]

    def run_sync(self, ex: SyncExecutor) -> Outcome:
        seconds, results = float(self.p["seconds"]), []
        for kind, size in self._plan():
            there, back = ex.shared(kind)
            payload = b"x" * size
            other = ex.submit(echo, back)
            trips, took, right = ex.submit(ping, there, payload, seconds).result()
            echoed = other.result()
            other = ex.submit(sink, back)
            sent, streamed, total = ex.submit(stream, there, payload, seconds).result()
            results.append((kind, size, (trips, took, right, echoed), (sent, streamed, total, other.result())))
        return self._outcome(results)

    async def run_async(self, ex: AsyncExecutor) -> Outcome:
        seconds, results = float(self.p["seconds"]), []
        for kind, size in self._plan():
            there, back = ex.shared(kind)
            payload = b"x" * size
            other = ex.submit(echo_async(back))
            trips, took, right = await ex.submit(ping_async(there, payload, seconds))
            echoed = await other
            other = ex.submit(sink_async(back))
            sent, streamed, total = await ex.submit(stream_async(there, payload, seconds))
            results.append((kind, size, (trips, took, right, echoed), (sent, streamed, total, await other)))
        return self._outcome(results)

    def _outcome(self, results: list[tuple[str, int, tuple[Any, ...], tuple[Any, ...]]]) -> Outcome:
        rtt: dict[str, float] = {}
        rate: dict[str, float] = {}
        problems: list[str] = []
        messages = 0
        for kind, size, (trips, took, right, echoed), (sent, streamed, total, summed) in results:
            label = f"{kind_name(kind)} {size_label(size)}"
            if not right or echoed != trips + 1:
                problems.append(f"{label}: {echoed} echoes of {trips + 1} messages, sizes right: {right}")
            if total != summed or total != sent * size:
                problems.append(f"{label}: received {total} bytes of {sent * size} sent")
            rtt[label] = took / trips * 1e6
            rate[label] = sent / streamed
            messages += 2 * trips + sent
        return Outcome(
            value=problems,
            expected=[],
            amount=messages,
            extra={"measures": {"rtt_us": rtt, "messages_per_s": rate}},
            detail="; ".join(problems),
        )
