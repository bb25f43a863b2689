"""A shared counter: W units each add 1 to it K times, with no lock, with a Lock and with an RLock.

Each executor uses its own primitives: threading.Lock and RLock around an
attribute under threads, a multiprocessing Lock and RLock around a RawValue in
shared memory under processes, gevent.lock and asyncio.Lock for coroutines.
Without a lock, ``counter.value += 1`` is a read and a write: a unit that
switches between the two writes back a stale value, and an update is lost.

Lost updates are a finding here, not a failure. Every unit counts its own
iterations privately (``attempts``), so ``lost = attempts - counted`` is
measured, and the round's check is ``counted + lost == expected`` (every unit
did all its work), that a count only ever goes down (``counted <= attempts``),
and that no locked variant loses anything. Whether the plain ``+=`` loses
updates depends on the model and on the Python: on CPython 3.10-3.13 with the
GIL, threads switch only at calls and backward jumps, never between the read and
the write of an inline ``+=`` (``--locks-body 1`` puts a call there, 2 a yield).
With one unit the lock is uncontended; with W it is contended.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from . import (
    BY_WORKERS,
    COUNTER,
    LOCK,
    RACE,
    RLOCK,
    AsyncExecutor,
    Measure,
    Outcome,
    Param,
    SyncExecutor,
    Workload,
    offered,
    register,
)

VARIANTS = ("none", LOCK, RLOCK)  # no lock, then each lock the executor offers
BODIES = ("counter.value += 1", "counter.value = plus_one(counter.value)", "read; yield; write")


def plus_one(value: int) -> int:
    return value + 1


# Deliberate copies: each body is written out whole, and again inside its lock. What runs between a read
# and its write decides the race (a call there is where a thread may switch on CPython 3.10-3.13), and a
# body shared through a helper would add a call to every increment, measured with it.


def _inline(counter: Any, count: int) -> int:
    done = 0
    for _ in range(count):
        counter.value += 1
        done += 1
    return done


def _call(counter: Any, count: int) -> int:
    done = 0
    for _ in range(count):
        counter.value = plus_one(counter.value)
        done += 1
    return done


def _yield(counter: Any, count: int) -> int:
    done = 0
    for _ in range(count):
        value = counter.value
        time.sleep(0)  # lets the other units run (gevent's patched sleep too)
        counter.value = value + 1
        done += 1
    return done


def _inline_locked(counter: Any, lock: Any, count: int) -> int:
    done = 0
    for _ in range(count):
        with lock:
            counter.value += 1
        done += 1
    return done


def _call_locked(counter: Any, lock: Any, count: int) -> int:
    done = 0
    for _ in range(count):
        with lock:
            counter.value = plus_one(counter.value)
        done += 1
    return done


def _yield_locked(counter: Any, lock: Any, count: int) -> int:
    done = 0
    for _ in range(count):
        with lock:
            value = counter.value
            time.sleep(0)
            counter.value = value + 1
        done += 1
    return done


UNLOCKED = (_inline, _call, _yield)
LOCKED = (_inline_locked, _call_locked, _yield_locked)


def add(counter: Any, lock: Any, count: int, body: int) -> int:
    """One unit: ``count`` increments of the shared counter; returns how many it made (its own tally)."""
    return UNLOCKED[body](counter, count) if lock is None else LOCKED[body](counter, lock, count)


async def add_async(counter: Any, lock: Any, count: int, body: int) -> int:
    """One task's increments: the lock is awaited; the yield body awaits asyncio.sleep(0)."""
    done = 0
    for _ in range(count):
        if lock is not None:
            await lock.acquire()
        try:
            if body == 2:
                value = counter.value
                await asyncio.sleep(0)
                counter.value = value + 1
            elif body == 1:
                counter.value = plus_one(counter.value)
            else:
                counter.value += 1
        finally:
            if lock is not None:
                lock.release()
        done += 1
    return done


@register
class Locks(Workload):
    name = "locks"
    place = 110
    unit = "increments/s"
    judged_by = RACE
    figure = BY_WORKERS
    core_bound = False
    size_param = "increments"
    needs = (COUNTER, LOCK)
    default_workers = (1, 4)
    warmup_seconds = 0.5
    measures = (
        Measure("increments_per_s", "Increments per second", "increments/s", True, False),
        Measure("lost_share", "Updates lost (no lock: the race)", "lost updates (% of all)", False),
    )  # each round also reports "lost_updates", the count, saved but not drawn
    params = (
        Param("increments", "int", 20_000, 5_000, "increments per unit per variant"),
        Param("body", "count0", 0, 0, "the increment: " + ", ".join(f"{i}={b}" for i, b in enumerate(BODIES))),
    )

    @classmethod
    def describe(cls, values: dict[str, Any]) -> str:
        body = BODIES[int(values["body"]) % len(BODIES)]
        return (
            f"each of the workers adds 1 to one shared counter {int(values['increments']):,} times "
            f"({body}), with no lock, a Lock, an RLock"
        )

    @property
    def body(self) -> int:
        return int(self.p["body"]) % len(BODIES)

    def variants(self) -> list[str]:
        """No lock, then each lock this executor offers."""
        return [variant for variant in VARIANTS if variant == "none" or offered(variant, self.offers)]

    def uses(self, offers: Any) -> dict[str, int]:
        return {COUNTER: 1, **{variant: 1 for variant in VARIANTS[1:] if offered(variant, offers)}}

    def _outcome(self, results: dict[str, tuple[int, int, float]]) -> Outcome:
        """From each variant's (attempts, counted, seconds): the check, the measures, what was left out."""
        expected = self.workers * int(self.p["increments"])
        problems: list[str] = []
        measures: dict[str, dict[str, float]] = {"increments_per_s": {}, "lost_share": {}, "lost_updates": {}}
        for variant, (attempts, counted, seconds) in results.items():
            lost = attempts - counted  # measured: every unit tallied its own increments
            if counted + lost != expected:
                problems.append(f"{variant}: the units made {attempts} increments, not {expected}")
            if counted > attempts or counted < 1:
                problems.append(f"{variant}: counted {counted} of {attempts} increments (a race only loses)")
            if variant != "none" and lost:
                problems.append(f"{variant}: {lost} updates lost under a lock")
            measures["increments_per_s"][variant] = expected / max(seconds, 1e-9)
            measures["lost_share"][variant] = 100.0 * lost / expected
            measures["lost_updates"][variant] = lost
        not_measured = {variant: "this executor offers no such lock" for variant in VARIANTS if variant not in results}
        extra = {"measures": measures, "not_measured": not_measured}
        return Outcome(
            value=problems,
            expected=[],
            amount=expected * len(results),
            extra=extra,
            detail="; ".join(problems),
        )

    def run_sync(self, ex: SyncExecutor) -> Outcome:
        counter, count = ex.shared(COUNTER), int(self.p["increments"])
        results: dict[str, tuple[int, int, float]] = {}
        for variant in self.variants():
            lock = None if variant == "none" else ex.shared(variant)
            counter.value = 0
            started = time.perf_counter()
            units = [ex.submit(add, counter, lock, count, self.body) for _ in range(self.workers)]
            attempts = sum(unit.result() for unit in units)
            results[variant] = (attempts, int(counter.value), time.perf_counter() - started)
        return self._outcome(results)

    async def run_async(self, ex: AsyncExecutor) -> Outcome:
        counter, count = ex.shared(COUNTER), int(self.p["increments"])
        results: dict[str, tuple[int, int, float]] = {}
        for variant in self.variants():
            lock = None if variant == "none" else ex.shared(variant)
            counter.value = 0
            started = time.perf_counter()
            units = [ex.submit(add_async(counter, lock, count, self.body)) for _ in range(self.workers)]
            attempts = sum([await unit for unit in units])
            results[variant] = (attempts, int(counter.value), time.perf_counter() - started)
        return self._outcome(results)
