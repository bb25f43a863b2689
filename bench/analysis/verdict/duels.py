"""The duels a run held (``bench_run.duels``), found for two cases and said in words.

A duel measured two cases head to head, rounds alternating, until the 95% interval
of B's time over A's excluded 1 (one is faster), lay within the margin (they are
equivalent), or its budget was spent (undecided). Its ratio is oriented here so
that the case asked about first is A: above 1, that one is faster.
"""

from __future__ import annotations

from dataclasses import dataclass

from ... import stats
from ...vocabulary import A_WINS, B_WINS, EQUIVALENT
from ..duel_records import Side, find
from .model import Best, Group


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


def named(best: Best) -> str:
    return f"{best.executor} at {best.where}"


def between(group: Group, first: Best, second: Best) -> Duel | None:
    """The duel the run held between ``first`` and ``second`` (either way round), seen from ``first``; or None."""
    params = str(group.rows["params"].iloc[0]) if not group.rows.empty else ""
    sides = [Side(best.executor, best.workers, group.python) for best in (first, second)]
    found = find(group.facts.duels, group.workload, params, *sides)
    if found is None:
        return None
    return Duel(
        named(first), named(second), found.ratio, found.low, found.high, found.outcome, found.pairs, found.margin
    )
