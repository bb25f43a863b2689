"""The GIL convoy: the latency of a short request while CPU-bound units run beside it, in the same model.

One unit makes ``--convoy-requests`` GET requests to the local server (which
answers at once), ``--convoy-interval`` apart, timing each; the other
workers - 1 units count down in chunks of ``--convoy-chunk`` steps until it
has finished. Under threads, the waiting unit needs the GIL back after every
blocking call and waits for it about one switch interval (5 ms) per busy
thread: CPython's Tools/ccbench measured this for threads only. Processes do
not share a GIL. Coroutines switch only when a unit asks: a CPU-bound task
that never awaits blocks the loop completely (why run_in_executor exists), so
here the busy units let the others run after every chunk (``await
asyncio.sleep(0)``, ``gevent.idle()``), and a request then waits about one
chunk per busy unit. workers = 1 is the request alone. The round checks every
answer and that every busy unit got to run.
"""

from __future__ import annotations

import http.client
import time
from typing import Any, NamedTuple

from . import (
    BY_WORKERS,
    EVENT,
    LATENCY,
    YIELD,
    AsyncExecutor,
    Measure,
    Outcome,
    Param,
    SyncExecutor,
    register,
    spin,
)
from .http import ServerClient, expected_body, latency_summary, path_for


def burn(stop: Any, pause: Any, chunk: int) -> int:
    """A CPU-bound unit: chunks of countdown until ``stop`` is set, letting the others run between chunks."""
    chunks = 0
    while not stop.is_set():
        spin(chunk)
        pause()
        chunks += 1
    return chunks


async def burn_async(stop: Any, pause: Any, chunk: int) -> int:
    chunks = 0
    while not stop.is_set():
        spin(chunk)
        await pause()
        chunks += 1
    return chunks


MIN_REQUESTS = 10  # made even past the time cap, so the percentiles have something to stand on


def enough(made: int, count: int, started: float, cap: float) -> bool:
    """Whether the requesting unit is done: ``count`` made, or the time cap passed with MIN_REQUESTS made."""
    return made >= count or (made >= MIN_REQUESTS and time.perf_counter() - started >= cap)


class Plan(NamedTuple):
    """What the requesting unit does: up to ``count`` requests, ``interval`` apart, for at most ``cap`` seconds."""

    count: int
    interval: float
    cap: float


def requests(host: str, port: int, plan: Plan, stop: Any) -> tuple[list[float], int, float]:
    """The I/O unit: one untimed request, then the plan's timed ones; (latencies, right answers, seconds).

    It stops early once the plan's cap has passed (a convoy can make each request wait many
    milliseconds), and sets ``stop`` when it is done, or fails: the busy units must never outlive it.
    """
    conn = http.client.HTTPConnection(host, port, timeout=60)
    latencies: list[float] = []
    right = 0
    try:
        conn.request("GET", path_for(-1, 0))
        conn.getresponse().read()
        started = time.perf_counter()
        while not enough(len(latencies), plan.count, started, plan.cap):
            item = len(latencies)
            sent = time.perf_counter()
            conn.request("GET", path_for(item, 0))
            response = conn.getresponse()
            body = response.read()
            latencies.append(time.perf_counter() - sent)
            right += response.status == 200 and body == expected_body(item)
            time.sleep(plan.interval)
        return latencies, right, time.perf_counter() - started
    finally:
        stop.set()
        conn.close()


@register
class Convoy(ServerClient):
    name = "convoy"
    place = 150
    unit = "requests/s"
    judged_by = LATENCY
    figure = BY_WORKERS
    latency = True
    core_bound = False
    needs = (EVENT, YIELD)
    warmup_seconds = 0.5
    in_quick = False  # each case waits through its requests: it takes time whatever the sizes
    measures = (
        Measure("latency_ms", "Latency of one short request (p50 solid, p99 dashed)", "ms"),
        Measure("io_seconds", "Time the requesting unit took for all its requests", "s"),
    )
    params = (
        Param("requests", "int", 50, 10, "timed requests per round (fewer if --convoy-seconds runs out)"),
        Param("seconds", "duration", 0.5, 0.1, f"longest the requests of a round may take ({MIN_REQUESTS} at least)"),
        Param("interval", "duration", 0.002, 0.002, "pause after each request"),
        Param("chunk", "int", 20_000, 20_000, "countdown steps a busy unit runs between chances for others"),
    )

    @classmethod
    def describe(cls, values: dict[str, Any]) -> str:
        interval_ms = float(values["interval"]) * 1e3
        return (
            f"{int(values['requests']):,} requests to the local server (at most {float(values['seconds']):g} s), "
            f"{interval_ms:g} ms apart, while workers - 1 units count down in chunks of "
            f"{int(values['chunk']):,} steps beside them"
        )

    def uses(self, offers: Any) -> dict[str, int]:
        return {EVENT: 1, YIELD: 1}

    @property
    def plan(self) -> Plan:
        return Plan(int(self.p["requests"]), float(self.p["interval"]), float(self.p["seconds"]))

    def _outcome(self, latencies: list[float], right: int, seconds: float, chunks: list[int]) -> Outcome:
        count = len(latencies)
        summary = latency_summary(latencies)
        idle = sum(1 for done in chunks if done < 1)
        extra = {
            "latency_ms": summary,
            "measures": {"latency_ms": {"p50": summary["p50"], "p99": summary["p99"]}, "io_seconds": {"io": seconds}},
            "cpu_chunks": chunks,
            "requests": count,
        }
        return Outcome(
            value=(right, idle),
            expected=(count, 0),
            amount=count,
            extra=extra,
            detail=f"{right} of {count} answers right; {idle} of {len(chunks)} busy units never ran",
        )

    def run_sync(self, ex: SyncExecutor) -> Outcome:
        stop = ex.shared(EVENT)
        stop.clear()
        chunk = int(self.p["chunk"])
        busy = [ex.submit(burn, stop, ex.shared(YIELD), chunk) for _ in range(self.workers - 1)]
        latencies, right, seconds = ex.submit(requests, self.host, self.port, self.plan, stop).result()
        return self._outcome(latencies, right, seconds, [unit.result() for unit in busy])

    async def prepare_async(self, ex: AsyncExecutor) -> None:
        await self._open_session(limit=1)

    async def _requests_async(self, plan: Plan, stop: Any) -> tuple[list[float], int, float]:
        import asyncio

        latencies: list[float] = []
        right = 0
        try:
            async with self.session.get(path_for(-1, 0)) as response:
                await response.read()
            started = time.perf_counter()
            while not enough(len(latencies), plan.count, started, plan.cap):
                item = len(latencies)
                sent = time.perf_counter()
                async with self.session.get(path_for(item, 0)) as response:
                    body = await response.read()
                    latencies.append(time.perf_counter() - sent)
                    right += response.status == 200 and body == expected_body(item)
                await asyncio.sleep(plan.interval)
            return latencies, right, time.perf_counter() - started
        finally:
            stop.set()

    async def run_async(self, ex: AsyncExecutor) -> Outcome:
        stop = ex.shared(EVENT)
        stop.clear()
        chunk = int(self.p["chunk"])
        busy = [ex.submit(burn_async(stop, ex.shared(YIELD), chunk)) for _ in range(self.workers - 1)]
        latencies, right, seconds = await ex.submit(self._requests_async(self.plan, stop))
        return self._outcome(latencies, right, seconds, [await unit for unit in busy])
