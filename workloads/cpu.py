"""CPU-bound counting: a pure-Python countdown, the total split over tasks.

Pure bytecode, no I/O and no C calls that release the GIL: under the GIL,
threads take turns on one core while processes use them all.
"""

from __future__ import annotations

from typing import Any

from . import AsyncExecutor, Outcome, Param, SyncExecutor, Workload, register, spin, split


async def _spin_async(n: int) -> int:
    return spin(n)


@register
class Cpu(Workload):
    name = "cpu"
    unit = "iterations/s"
    size_param = "n"
    heatmap = True
    params = (
        Param("n", "int", 10_000_000, 1_000_000, "total countdown iterations per round"),
        Param("tasks", "count0", 0, 0, "tasks the total is split into (0: one per worker)"),
    )

    @classmethod
    def describe(cls, values: dict[str, Any]) -> str:
        tasks = int(values.get("tasks") or 0)
        split_into = f"{tasks} tasks" if tasks else "one task per worker"
        return f"a pure-Python countdown of {int(values['n']):,} steps per round, split into {split_into}"

    def _shares(self) -> list[int]:
        return split(int(self.p["n"]), int(self.p["tasks"]) or self.workers)

    def _outcome(self, done: list[int]) -> Outcome:
        n = int(self.p["n"])
        return Outcome(value=sum(done), expected=n, amount=n)

    def run_sync(self, ex: SyncExecutor) -> Outcome:
        return self._outcome(ex.map(spin, self._shares()))

    async def run_async(self, ex: AsyncExecutor) -> Outcome:
        return self._outcome(await ex.map(_spin_async, self._shares()))
