"""A shared counter: W units each add 1 to it K times, with and without a lock; and the read, yield, write race.

Each executor uses its own primitives: threading.Lock and RLock around an
attribute under threads, a multiprocessing Lock and RLock around a RawValue in
shared memory under processes, gevent.lock and asyncio.Lock for coroutines.
Without a lock, ``counter.value += 1`` is a read and a write: a unit that
switches between the two writes back a stale value, and an update is lost.

Two increments run, each as its own variants. The plain one (``counter.value
+= 1``, or ``--locks-body``'s) with no lock, a Lock and an RLock: what people
write, and what a lock costs. And the tutorial's race, read, yield, write
(``yield``; ``yield+lock`` under a Lock), where every model that runs units at
once loses updates: the unit lets the others run between its read and its
write, which a switch at the wrong moment does unasked. Its yield is the
model's own (gevent's patched ``time.sleep(0)``, ``await asyncio.sleep(0)``),
else ``os.sched_yield()``: it lets the other threads take the GIL (and the
other processes the CPU) without the ~50 us of timer slack a ``time.sleep(0)``
costs on Linux, so the race's variants cost about what the plain ones do.

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
import os
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from . import (
    BY_WORKERS,
    COUNTER,
    LOCK,
    LOCK_YIELD,
    NO_LOCK_YIELD,
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

BODIES = ("counter.value += 1", "counter.value = plus_one(counter.value)", "read; yield; write")
RACE_BODY = 2  # read; yield; write: the tutorial's race
#: Every variant: (its lock, or None; whether it runs the race's body rather than --locks-body's), in order.
VARIANTS = {
    "none": (None, False),
    LOCK: (LOCK, False),
    RLOCK: (RLOCK, False),
    NO_LOCK_YIELD: (None, True),
    LOCK_YIELD: (LOCK, True),
}


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


def yielder() -> Callable[[], object]:
    """How a unit lets the others run: gevent's patched sleep switches greenlets; otherwise the OS's yield.

    Chosen once per unit, before its loop: the read-yield-write window holds the yield and nothing else.
    """
    if time.sleep.__module__ != "time" or not hasattr(os, "sched_yield"):  # patched (gevent), or no sched_yield
        return partial(time.sleep, 0)
    return os.sched_yield  # releases the GIL, as a sleep does, without a sleep's timer slack


def _yield(counter: Any, count: int) -> int:
    done, pause = 0, yielder()
    for _ in range(count):
        value = counter.value
        pause()
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
    done, pause = 0, yielder()
    for _ in range(count):
        with lock:
            value = counter.value
            pause()
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
        Param(
            "body",
            "count0",
            0,
            0,
            "the plain variants' increment: " + ", ".join(f"{i}={b}" for i, b in enumerate(BODIES)),
        ),
        Param(
            "race_increments",
            "count0",
            5_000,  # each yield is a switch, and under a Lock the units take turns: a quarter of the plain count
            2_000,
            "increments per unit of the read, yield, write variants, no lock and a Lock (0: leave them out)",
        ),
    )

    @classmethod
    def describe(cls, values: dict[str, Any]) -> str:
        body = BODIES[int(values["body"]) % len(BODIES)]
        race = int(values.get("race_increments", 0))
        raced = f"; and {race:,} times read, yield, write (the race), with no lock and a Lock" if race else ""
        return (
            f"each of the workers adds 1 to one shared counter {int(values['increments']):,} times "
            f"({body}), with no lock, a Lock, an RLock{raced}"
        )

    @property
    def body(self) -> int:
        return int(self.p["body"]) % len(BODIES)

    def variants(self) -> list[str]:
        """The plain variants (no lock, then each lock this executor offers), then the race's, if asked for."""
        racing = int(self.p.get("race_increments", 0)) > 0
        return [
            variant
            for variant, (lock, race) in VARIANTS.items()
            if (lock is None or offered(lock, self.offers)) and (racing or not race)
        ]

    def _plan(self, variant: str) -> tuple[str | None, int, int]:
        """A variant's lock (None: none), body and increments per unit."""
        lock, race = VARIANTS[variant]
        if race:
            return lock, RACE_BODY, int(self.p["race_increments"])
        return lock, self.body, int(self.p["increments"])

    def uses(self, offers: Any) -> dict[str, int]:
        return {COUNTER: 1, **{lock: 1 for lock in (LOCK, RLOCK) if offered(lock, offers)}}

    def _outcome(self, results: dict[str, tuple[int, int, float]]) -> Outcome:
        """From each variant's (attempts, counted, seconds): the check, the measures, what was left out."""
        problems: list[str] = []
        measures: dict[str, dict[str, float]] = {"increments_per_s": {}, "lost_share": {}, "lost_updates": {}}
        total = 0
        for variant, (attempts, counted, seconds) in results.items():
            lock, _, count = self._plan(variant)
            expected = self.workers * count
            total += expected
            lost = attempts - counted  # measured: every unit tallied its own increments
            if counted + lost != expected:
                problems.append(f"{variant}: the units made {attempts} increments, not {expected}")
            if counted > attempts or counted < 1:
                problems.append(f"{variant}: counted {counted} of {attempts} increments (a race only loses)")
            if lock is not None and lost:
                problems.append(f"{variant}: {lost} updates lost under a lock")
            measures["increments_per_s"][variant] = expected / max(seconds, 1e-9)
            measures["lost_share"][variant] = 100.0 * lost / expected
            measures["lost_updates"][variant] = lost
        not_measured = {
            variant: "this executor offers no such lock"
            for variant in (LOCK, RLOCK)
            if variant not in results and not offered(variant, self.offers)
        }
        extra = {"measures": measures, "not_measured": not_measured}
        return Outcome(value=problems, expected=[], amount=total, extra=extra, detail="; ".join(problems))

    def run_sync(self, ex: SyncExecutor) -> Outcome:
        counter = ex.shared(COUNTER)
        results: dict[str, tuple[int, int, float]] = {}
        for variant in self.variants():
            lock_name, body, count = self._plan(variant)
            lock = None if lock_name is None else ex.shared(lock_name)
            counter.value = 0
            started = time.perf_counter()
            units = [ex.submit(add, counter, lock, count, body) for _ in range(self.workers)]
            attempts = sum(unit.result() for unit in units)
            results[variant] = (attempts, int(counter.value), time.perf_counter() - started)
        return self._outcome(results)

    async def run_async(self, ex: AsyncExecutor) -> Outcome:
        counter = ex.shared(COUNTER)
        results: dict[str, tuple[int, int, float]] = {}
        for variant in self.variants():
            lock_name, body, count = self._plan(variant)
            lock = None if lock_name is None else ex.shared(lock_name)
            counter.value = 0
            started = time.perf_counter()
            units = [ex.submit(add_async(counter, lock, count, body)) for _ in range(self.workers)]
            attempts = sum([await unit for unit in units])
            results[variant] = (attempts, int(counter.value), time.perf_counter() - started)
        return self._outcome(results)
