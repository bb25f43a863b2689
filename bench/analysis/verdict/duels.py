"""The duels a run held (``bench_run.duels``), found for two cases and said in words.

A duel measured two cases head to head, rounds alternating, until the 95% interval
of B's time over A's excluded 1 (one is faster), lay within the margin (they are
equivalent), or its budget was spent (undecided). Its ratio is oriented here so
that the case asked about first is A: above 1, that one is faster.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ... import stats
from .model import Best, Group

#: The outcomes a duel records (``bench.harness.duel``).
A_WINS, B_WINS, EQUIVALENT, UNDECIDED = "a", "b", "equivalent", "undecided"


@dataclass(frozen=True)
class Duel:
    """One duel, seen from ``first``'s side: ``ratio`` above 1 means ``first`` was faster."""

    first: str  # "processes at 2 workers"
    second: str
    ratio: float
    low: float
    high: float
    outcome: str  # A_WINS: first is faster, B_WINS: second is, EQUIVALENT, UNDECIDED
    pairs: int
    margin: float

    @property
    def rounds(self) -> int:
        return 2 * self.pairs

    def interval(self) -> str:
        return f"{stats.CONFIDENCE:.0%} CI {self.low:.2f}-{self.high:.2f}"

    def sentence(self) -> str:
        """The duel in words, as the verdict quotes it."""
        if self.outcome == A_WINS:
            return (
                f"{self.first} beat {self.second} {self.ratio:.2f}x ({self.interval()}), "
                f"decided in {self.rounds} alternating rounds."
            )
        if self.outcome == B_WINS:
            return (
                f"{self.second} beat {self.first} {1 / self.ratio:.2f}x ({stats.CONFIDENCE:.0%} CI "
                f"{1 / self.high:.2f}-{1 / self.low:.2f}), decided in {self.rounds} alternating rounds."
            )
        if self.outcome == EQUIVALENT:
            return (
                f"{self.first} and {self.second} are equivalent: within {self.margin:.0%} of each other "
                f"({self.ratio:.2f}x, {self.interval()}) over {self.rounds} alternating rounds."
            )
        return (
            f"{self.first} and {self.second} were not told apart after {self.rounds} alternating rounds "
            f"({self.ratio:.2f}x, {self.interval()}): a tie is not shown either."
        )


def _side(best: Best) -> tuple[str, int]:
    return best.executor, best.workers


def _matches(side: dict[str, Any], executor: str, workers: int, python: str) -> bool:
    return (side.get("executor"), int(side.get("workers", 0)), str(side.get("python") or "")) == (
        executor,
        workers,
        python,
    )


def named(best: Best) -> str:
    return f"{best.executor} at {best.where}"


def between(group: Group, first: Best, second: Best) -> Duel | None:
    """The duel the run held between ``first`` and ``second`` (either way round), seen from ``first``; or None."""
    python = group.python
    for record in group.facts.duels:
        if record.get("workload") != group.workload:
            continue
        a, b = record.get("a") or {}, record.get("b") or {}
        forward = _matches(a, *_side(first), python) and _matches(b, *_side(second), python)
        backward = _matches(a, *_side(second), python) and _matches(b, *_side(first), python)
        if not (forward or backward) or record.get("pairs", 0) < 2:
            continue
        ratio, low, high = float(record["ratio"]), float(record["low"]), float(record["high"])
        outcome = str(record["outcome"])
        if backward:
            ratio, low, high = 1 / ratio, 1 / high, 1 / low
            outcome = {A_WINS: B_WINS, B_WINS: A_WINS}.get(outcome, outcome)
        margin = float(record.get("margin", 0.05))
        return Duel(named(first), named(second), ratio, low, high, outcome, int(record["pairs"]), margin)
    return None
