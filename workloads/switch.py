"""Two units hand a token back and forth: what one switch costs, in microseconds, per kind of handoff.

Each executor hands the token with its own primitives: threads with an Event
pair or a Condition, processes with one byte through a Pipe, gevent with a
gevent Event (through its hub) and with a raw ``greenlet.switch``, asyncio
with an Event pair (through the loop), and the sequential executor with a
generator driven by ``send()``, the tutorial's yield-based coroutine (one unit
drives it: the cheapest switch there is). A round trip is two switches. How
many round trips a kind makes per round is chosen before timing, so each kind
takes about ``--switch-seconds``; the first round trip of each measurement is
not timed (the other unit may still be starting). Switches between OS threads
or processes cost a wake-up of the other CPU, which depends on where the OS
runs them (idle cores sleep): compare such figures from one machine only.
"""

from __future__ import annotations

import time
from typing import Any

from . import HANDOFF, AsyncExecutor, Measure, Outcome, Param, SyncExecutor, kind_name, register
from ._costs import CostPerKind

FIRST_TRIPS = 16  # round trips of the first try when choosing how many a kind makes
MAX_TRIPS = 10_000_000


def drive(give: Any, trips: int) -> tuple[int, float]:
    """The first unit: one round trip untimed (the other may be starting), then ``trips`` timed ones."""
    give(1)
    started = time.perf_counter()
    give(trips)
    return trips + 1, time.perf_counter() - started


def answer(take: Any, trips: int) -> int:
    """The second unit: hands the token back ``trips`` times."""
    take(trips)
    return trips


async def drive_async(give: Any, trips: int) -> tuple[int, float]:
    await give(1)
    started = time.perf_counter()
    await give(trips)
    return trips + 1, time.perf_counter() - started


async def answer_async(take: Any, trips: int) -> int:
    await take(trips)
    return trips


def trips_for(seconds: float, trips: int, took: float) -> int:
    """How many round trips take about ``seconds``, from ``trips`` that took ``took``."""
    return max(FIRST_TRIPS, min(MAX_TRIPS, round(trips * seconds / max(took, 1e-9))))


@register
class Switch(CostPerKind):
    name = "switch"
    place = 130
    unit = "switches/s"
    family = HANDOFF
    measures = (Measure("us_per_switch", "One switch: a token handed to the other unit", "us per switch"),)
    params = (Param("seconds", "duration", 0.05, 0.01, "time each kind of handoff is measured for, per round"),)

    @classmethod
    def describe(cls, values: dict[str, Any]) -> str:
        ms = float(values["seconds"]) * 1e3
        return f"two units pass a token back and forth for about {ms:g} ms per kind of handoff (workers: not used)"

    def __init__(self, workers: int, values: dict[str, Any], context: dict[str, Any]) -> None:
        super().__init__(workers, values, context)
        self.trips: dict[str, int] = {}  # round trips per kind, chosen in prepare

    def units(self) -> int:
        return 2

    def _measure(self, ex: SyncExecutor, kind: str, trips: int) -> tuple[tuple[int, int], float]:
        give, take = ex.shared(kind)
        other = ex.submit(answer, take, trips + 1) if take is not None else None
        received, took = ex.submit(drive, give, trips).result()
        return (received, other.result() if other is not None else received), took

    async def _measure_async(self, ex: AsyncExecutor, kind: str, trips: int) -> tuple[tuple[int, int], float]:
        give, take = ex.shared(kind)
        other = ex.submit(answer_async(take, trips + 1)) if take is not None else None
        received, took = await ex.submit(drive_async(give, trips))
        return (received, await other if other is not None else received), took

    def _choose(self, kind: str, took: float, trips: int) -> bool:
        """Keep trying with more trips until a try lasts a tenth of the target; then scale (True: done)."""
        if took >= float(self.p["seconds"]) / 10 or trips >= MAX_TRIPS:
            self.trips[kind] = trips_for(float(self.p["seconds"]), trips, took)
            return True
        return False

    def prepare_sync(self, ex: SyncExecutor) -> None:
        for kind in self.kinds():
            trips = FIRST_TRIPS
            while not self._choose(kind, self._measure(ex, kind, trips)[1], trips):
                trips *= 8

    async def prepare_async(self, ex: AsyncExecutor) -> None:
        for kind in self.kinds():
            trips = FIRST_TRIPS
            while not self._choose(kind, (await self._measure_async(ex, kind, trips))[1], trips):
                trips *= 8

    def _outcome(self, measured: dict[str, tuple[tuple[int, int], float]]) -> Outcome:
        costs = {kind_name(kind): took / (2 * self.trips[kind]) * 1e6 for kind, (_, took) in measured.items()}
        received = {kind_name(kind): counts for kind, (counts, _) in measured.items()}
        expected = {kind_name(kind): (self.trips[kind] + 1, self.trips[kind] + 1) for kind in measured}
        return Outcome(
            value=received,
            expected=expected,
            amount=2 * sum(self.trips.values()),
            extra={
                "measures": {"us_per_switch": costs},
                "round_trips": {kind_name(k): n for k, n in self.trips.items()},
            },
        )

    def run_sync(self, ex: SyncExecutor) -> Outcome:
        return self._outcome({kind: self._measure(ex, kind, self.trips[kind]) for kind in self.kinds()})

    async def run_async(self, ex: AsyncExecutor) -> Outcome:
        return self._outcome({kind: await self._measure_async(ex, kind, self.trips[kind]) for kind in self.kinds()})
