"""What it costs to start a unit and join it, per kind of unit, and the memory each live unit adds.

Each executor starts units of its own kinds: a ``threading.Thread``, a
``multiprocessing.Process`` under every start method this platform has (fork,
forkserver, spawn), a greenlet (``gevent.spawn``), an asyncio Task, and, for
the sequential executor, a plain call (the floor). Units that do nothing are
started and joined one after another; how many per kind is chosen before
timing, so each kind takes about ``--spawn-seconds``. One-time helpers (the
forkserver, the resource tracker) are started before timing. PEP 703 quotes
about 100 us per thread and about 50 ms per spawned process.

Memory is measured once per case, before timing: units that sleep are started
for about a tenth of a second (2 at least, ``--spawn-alive`` at most), and the
proportional memory (PSS) of the worker's whole process tree is read from /proc
before and while they live.
Each verified round checks that every unit ran to its end.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

from . import START, AsyncExecutor, Measure, Outcome, Param, SyncExecutor, kind_name, register
from ._costs import CostPerKind

FIRST_UNITS = 2
MAX_UNITS = 100_000
ALIVE_SECONDS = 0.1  # the memory probe starts units for about this long
SETTLE_S = 0.3  # ... then lets them come up (a spawned process imports for a while) before reading memory


def nothing() -> None:
    """The whole body of a unit whose start is measured."""


async def nothing_async() -> None:
    """The same, as a task."""


def hold(until: float) -> None:
    """A unit that stays alive, asleep, until ``until`` (time.monotonic, one clock for every process here).

    Asleep, not polling for a release: a polling thread would fight the memory reader for the GIL.
    """
    time.sleep(max(0.0, until - time.monotonic()))


async def hold_async(until: float) -> None:
    await asyncio.sleep(max(0.0, until - time.monotonic()))


def tree_pss_bytes() -> int | None:
    """Proportional memory of this process and every descendant, from /proc (None where there is no /proc).

    PSS splits a shared page between the processes sharing it, so the tree's sum is its real total: a fork
    child's pages still shared with its parent are not counted twice, as RSS would.
    """
    children: dict[int, list[int]] = {}
    try:
        entries = [entry for entry in Path("/proc").iterdir() if entry.name.isdigit()]
    except OSError:
        return None
    for entry in entries:
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [os.getpid()]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
                    break
        except OSError:
            continue
    return total


@register
class Spawn(CostPerKind):
    name = "spawn"
    place = 140
    unit = "units/s"
    family = START
    in_quick = False  # a spawned interpreter imports for tens of milliseconds, at any size
    measures = (
        Measure("us_per_start", "Start one unit and join it", "us per unit"),
        Measure("kib_per_unit", "Memory each live unit adds (PSS of the process tree)", "KiB per unit"),
    )
    params = (
        Param("seconds", "duration", 0.05, 0.01, "time each kind of unit is started and joined for, per round"),
        Param("alive", "int", 1000, 100, "most units kept alive at once to measure memory per unit"),
    )

    @classmethod
    def describe(cls, values: dict[str, Any]) -> str:
        ms = float(values["seconds"]) * 1e3
        return (
            f"units that do nothing, started and joined one after another for about {ms:g} ms per kind; "
            f"memory per unit with up to {int(values['alive']):,} alive (workers: not used)"
        )

    def __init__(self, workers: int, values: dict[str, Any], context: dict[str, Any]) -> None:
        super().__init__(workers, values, context)
        self.count: dict[str, int] = {}  # units per kind per round, chosen in prepare
        self.memory: dict[str, float] = {}  # KiB per live unit, per kind
        self.no_memory: dict[str, str] = {}

    def units(self) -> int:
        return 1

    # --- sync ---

    def _start_join(self, ex: SyncExecutor, kind: str, count: int) -> tuple[int, float]:
        started = time.perf_counter()
        ran = sum(1 for _ in range(count) if ex.launch(kind, nothing).join())
        return ran, time.perf_counter() - started

    def _memory(self, kind: str, before: int | None, after: int | None, alive: int, in_time: bool) -> None:
        if before is None or after is None:
            self.no_memory[kind_name(kind)] = "no /proc to read memory from"
        elif not in_time:
            self.no_memory[kind_name(kind)] = "its units ended before their memory was read (machine too slow)"
        else:
            self.memory[kind_name(kind)] = max(0, after - before) / alive / 1024

    def _alive(self, kind: str, cost: float) -> int:
        """Units to keep alive at once: as many as start in about ALIVE_SECONDS, 2 to ``alive``."""
        return max(2, min(int(self.p["alive"]), round(ALIVE_SECONDS / max(cost, 1e-9))))

    @staticmethod
    def _settle(cost: float) -> float:
        """How long started units get to come up before their memory is read (a spawned child imports)."""
        return min(SETTLE_S, max(0.02, 2 * cost))

    @staticmethod
    def _hold(alive: int, cost: float, settle: float) -> float:
        """How long from the first start the units live: past the last start, with room, and the settling time.

        If starting them takes longer than that, the memory is not measured (and the round says why).
        """
        return 1.5 * alive * cost + settle + 0.05

    def prepare_sync(self, ex: SyncExecutor) -> None:
        for kind in self.kinds():
            self._start_join(ex, kind, FIRST_UNITS)  # the first start of a kind pays for imports: not a measure
            count = FIRST_UNITS
            while True:
                took = self._start_join(ex, kind, count)[1]
                if took >= float(self.p["seconds"]) / 10 or count >= MAX_UNITS:
                    break
                count *= 8
            cost = took / count
            self.count[kind] = max(FIRST_UNITS, min(MAX_UNITS, round(float(self.p["seconds"]) / cost)))
            if not self._outlives_its_start(ex, kind):
                self.no_memory[kind_name(kind)] = "a unit of this kind ends before the next one starts"
                continue
            alive, settle = self._alive(kind, cost), self._settle(cost)
            before, until = tree_pss_bytes(), time.monotonic() + self._hold(alive, cost, settle)
            units = [ex.launch(kind, hold, until) for _ in range(alive)]
            time.sleep(settle)
            self._memory(kind, before, tree_pss_bytes(), alive, time.monotonic() < until)
            for unit in units:
                unit.join()

    @staticmethod
    def _outlives_its_start(ex: SyncExecutor, kind: str, seconds: float = 0.05) -> bool:
        """Whether a started unit runs beside its starter (a plain call runs to its end first)."""
        until = time.monotonic() + seconds
        unit = ex.launch(kind, hold, until)
        beside = time.monotonic() < until
        unit.join()
        return beside

    def run_sync(self, ex: SyncExecutor) -> Outcome:
        return self._outcome({kind: self._start_join(ex, kind, self.count[kind]) for kind in self.kinds()})

    # --- async ---

    async def _start_join_async(self, ex: AsyncExecutor, kind: str, count: int) -> tuple[int, float]:
        started, ran = time.perf_counter(), 0
        for _ in range(count):
            await ex.launch(kind, nothing_async)
            ran += 1
        return ran, time.perf_counter() - started

    async def prepare_async(self, ex: AsyncExecutor) -> None:
        for kind in self.kinds():
            await self._start_join_async(ex, kind, FIRST_UNITS)
            count = FIRST_UNITS
            while True:
                took = (await self._start_join_async(ex, kind, count))[1]
                if took >= float(self.p["seconds"]) / 10 or count >= MAX_UNITS:
                    break
                count *= 8
            cost = took / count
            self.count[kind] = max(FIRST_UNITS, min(MAX_UNITS, round(float(self.p["seconds"]) / cost)))
            alive, settle = self._alive(kind, cost), self._settle(cost)
            before, until = tree_pss_bytes(), time.monotonic() + self._hold(alive, cost, settle)
            units = [ex.launch(kind, hold_async, until) for _ in range(alive)]
            await asyncio.sleep(settle)
            self._memory(kind, before, tree_pss_bytes(), alive, time.monotonic() < until)
            for unit in units:
                await unit

    async def run_async(self, ex: AsyncExecutor) -> Outcome:
        return self._outcome({kind: await self._start_join_async(ex, kind, self.count[kind]) for kind in self.kinds()})

    def _outcome(self, measured: dict[str, tuple[int, float]]) -> Outcome:
        costs = {kind_name(kind): took / self.count[kind] * 1e6 for kind, (_, took) in measured.items()}
        return Outcome(
            value={kind_name(kind): ran for kind, (ran, _) in measured.items()},
            expected={kind_name(kind): self.count[kind] for kind in measured},
            amount=sum(self.count.values()),
            extra={
                "measures": {"us_per_start": costs, "kib_per_unit": dict(self.memory)},
                "not_measured": {f"{kind} memory": why for kind, why in self.no_memory.items()},
                "units_per_kind": {kind_name(kind): n for kind, n in self.count.items()},
            },
        )
