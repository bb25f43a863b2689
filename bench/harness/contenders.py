"""Which cases deserve a duel: a workload's leaders that the cases' own intervals did not tell apart.

Read from the finished cases of the run, with the figure each workload is judged
by (its facts, never its name): the paired speedup (higher is better), or the
time against the ideal at the highest concurrency that several executors reached
(lower is better). Each executor is represented by its best case. The leader is
dueled against every executor whose interval overlaps its own (the closest
first, at most ``MAX_PER_GROUP``; one that beats it leads from then on), and
then against sequential when the leader's own interval still includes 1x: "is
the best faster than doing it in turn at all?".

Across interpreters (``--python``), each other interpreter's fastest case is
dueled against the first's, and their sequential cases against each other (what
one thread pays for the other build). Those are absolute times of the same work,
so the fastest configuration is the one with the shortest rounds.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import workloads

from .. import BASELINE, stats

MAX_PER_GROUP = 2  # duels against one leader, at most (the budget of a full run)


@dataclass(frozen=True)
class Standing:
    """One executor's best case on a workload: its figure's median and interval, which way is better."""

    case_id: str
    executor: str
    workers: int
    median: float
    low: float
    high: float
    higher_is_better: bool

    def overlaps(self, other: Standing) -> bool:
        return self.low <= other.high and other.low <= self.high

    def better_than(self, other: Standing) -> bool:
        return self.median > other.median if self.higher_is_better else self.median < other.median


def _interval(values: Sequence[float]) -> tuple[float, float, float]:
    if len(values) >= 2:
        return stats.median_interval([list(values)])
    value = statistics.median(values)
    return value, value, value


def _values(entry: dict[str, Any], judged_by: str) -> list[float]:
    """A case's deciding figure per round: paired ratios, or round time over the ideal."""
    extra = entry["extra_info"]
    if judged_by == workloads.PAIRED:
        return [float(v) for v in extra.get("speedup_rounds") or ([1.0] if extra.get("speedup") == 1.0 else [])]
    ideal = extra.get("ideal_s") or 0
    return [float(t) / ideal for t in entry["stats"]["data"]] if ideal > 0 else []


def standings(entries: Sequence[dict[str, Any]], judged_by: str) -> list[Standing]:
    """Each executor's best case among ``entries`` (one workload, one interpreter), best first."""
    if judged_by == workloads.IDEAL:
        by_level: dict[int, set[str]] = {}
        for entry in entries:
            by_level.setdefault(int(entry["params"]["workers"]), set()).add(str(entry["params"]["executor"]))
        contested = [level for level, executors in by_level.items() if len(executors) >= 2] or list(by_level)
        entries = [entry for entry in entries if int(entry["params"]["workers"]) == max(contested, default=0)]
    higher = judged_by == workloads.PAIRED
    best: dict[str, Standing] = {}
    for entry in entries:
        values = _values(entry, judged_by)
        if not values or not entry["extra_info"].get("verified", True):
            continue
        params = entry["params"]
        standing = Standing(entry["param"], str(params["executor"]), int(params["workers"]), *_interval(values), higher)
        held = best.get(standing.executor)
        if held is None or standing.better_than(held):
            best[standing.executor] = standing
    return sorted(best.values(), key=lambda s: -s.median if higher else s.median)


def challengers(ranked: Sequence[Standing]) -> list[Standing]:
    """The executors whose interval overlaps the leader's (sequential aside), the closest first, at most a few."""
    if not ranked:
        return []
    top = ranked[0]
    return [other for other in ranked[1:] if other.overlaps(top) and other.executor != BASELINE][:MAX_PER_GROUP]


def baseline_of(top: Standing, ranked: Sequence[Standing]) -> Standing | None:
    """Sequential, where the leader's own interval still includes 1x (only for paired speedups): or None."""
    base = next((other for other in ranked if other.executor == BASELINE), None)
    if base is None or top.executor == BASELINE or not top.higher_is_better:
        return None
    return base if top.low <= 1 else None


def gil_back(entry: dict[str, Any]) -> bool:
    """Whether a case's GIL came back on against its interpreter's expectation: no free-threaded result."""
    extra = entry["extra_info"]
    return "gil_expected" in extra and extra.get("gil_enabled") != extra["gil_expected"]


def fastest(entries: Sequence[dict[str, Any]]) -> str | None:
    """The case with the shortest median round among ``entries`` (the same work under any executor); a case whose
    GIL came back is left out, as the verdict across builds leaves it out (``bench.analysis.builds.fastest``)."""
    timed = [
        (statistics.median(entry["stats"]["data"]), entry["param"])
        for entry in entries
        if entry["stats"]["data"] and not gil_back(entry)
    ]
    return min(timed)[1] if timed else None
