"""I/O-bound HTTP: R GET requests to the local server, each answered after L.

Concurrency is the executor's worker count. Each unit keeps one keep-alive
connection. Every response's status and body are checked, and each request's
client-side latency is kept for the percentiles.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from typing import Any
from urllib.parse import urlsplit

from . import AGAINST_IDEAL, IDEAL, AsyncExecutor, Outcome, Param, SyncExecutor, Workload, register

_local = threading.local()  # one connection per thread, greenlet or pool process


def path_for(item: int, latency_ms: float) -> str:
    return f"/delay?ms={latency_ms:g}&id={item}"


def expected_body(item: int) -> bytes:
    return f"ok {item}".encode()


def fetch(job: tuple[str, int, float, int]) -> tuple[bool, float]:
    """One GET over this unit's connection: (answer correct, latency in seconds)."""
    host, port, latency_ms, item = job
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = http.client.HTTPConnection(host, port, timeout=60)
    started = time.perf_counter()
    try:
        conn.request("GET", path_for(item, latency_ms))
        response = conn.getresponse()
        body = response.read()
    except (OSError, http.client.HTTPException):
        _local.conn = None  # reconnect next time; this answer counts as wrong
        conn.close()
        raise
    return response.status == 200 and body == expected_body(item), time.perf_counter() - started


def latency_summary(latencies: list[float]) -> dict[str, float]:
    """Client-side latency percentiles in milliseconds."""
    if len(latencies) < 2:
        only = latencies[0] * 1e3 if latencies else 0.0
        return {"p50": only, "p90": only, "p99": only}
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"p50": cuts[49] * 1e3, "p90": cuts[89] * 1e3, "p99": cuts[98] * 1e3}


class ServerClient(Workload):
    """Base of a workload whose units make requests to the local server (``http``, ``convoy``).

    Its address comes in ``context["url"]``; under asyncio an aiohttp session (``_open_session``) makes
    the requests, opened before timing and closed after.
    """

    needs_server = True

    def __init__(self, workers: int, values: dict[str, Any], context: dict[str, Any]) -> None:
        super().__init__(workers, values, context)
        url = urlsplit(str(context.get("url", "http://127.0.0.1:0")))
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 0
        self.session: Any = None

    async def _open_session(self, **connector: int) -> None:
        """The aiohttp session of the asyncio form, its connector limited as given (``limit=``...)."""
        import aiohttp  # imported here: only the asyncio worker needs it

        self.session = aiohttp.ClientSession(
            base_url=f"http://{self.host}:{self.port}",
            connector=aiohttp.TCPConnector(**connector),
            timeout=aiohttp.ClientTimeout(total=60),
        )

    async def close_async(self) -> None:
        if self.session is not None:
            await self.session.close()


@register
class Http(ServerClient):
    name = "http"
    unit = "requests/s"
    judged_by = IDEAL
    ideal = "ceil(requests / concurrency) x latency"
    figure = AGAINST_IDEAL
    core_bound = False
    latency = True
    # Not 1: every model then waits through the requests one at a time (8 s rounds at the defaults, a minute
    # a case), which shows the server's latency and nothing else, at half the full run's 10-minute budget.
    default_workers = (10, 50, 200)
    params = (
        Param("requests", "int", 400, 60, "GET requests per round"),
        Param("latency", "duration", 0.020, 0.005, "server's delay before each answer"),
    )

    @classmethod
    def describe(cls, values: dict[str, Any]) -> str:
        latency_ms = float(values["latency"]) * 1e3
        return (
            f"{int(values['requests']):,} GET requests per round to the local server, "
            f"each answered after {latency_ms:g} ms; concurrency = workers"
        )

    def __init__(self, workers: int, values: dict[str, Any], context: dict[str, Any]) -> None:
        super().__init__(workers, values, context)
        self.latency_ms = float(self.p["latency"]) * 1e3

    @property
    def ideal_s(self) -> float:
        """ceil(R / C) x L: the time if every batch of C requests waited exactly L."""
        batches = -(-int(self.p["requests"]) // self.workers)
        return batches * float(self.p["latency"])

    def _outcome(self, answers: list[tuple[bool, float]]) -> Outcome:
        good = sum(1 for ok, _ in answers if ok)
        requests = int(self.p["requests"])
        latencies = [seconds for _, seconds in answers]
        extra = {"latency_ms": latency_summary(latencies), "ideal_s": self.ideal_s}
        return Outcome(value=good, expected=requests, amount=requests, extra=extra)

    def run_sync(self, ex: SyncExecutor) -> Outcome:
        jobs = [(self.host, self.port, self.latency_ms, i) for i in range(int(self.p["requests"]))]
        return self._outcome(ex.map(fetch, jobs))

    async def prepare_async(self, ex: AsyncExecutor) -> None:
        await self._open_session(limit=self.workers, limit_per_host=self.workers)

    async def _fetch_async(self, item: int) -> tuple[bool, float]:
        started = time.perf_counter()
        async with self.session.get(path_for(item, self.latency_ms)) as response:
            body = await response.read()
            ok = response.status == 200 and body == expected_body(item)
        return ok, time.perf_counter() - started

    async def run_async(self, ex: AsyncExecutor) -> Outcome:
        return self._outcome(await ex.map(self._fetch_async, list(range(int(self.p["requests"])))))
