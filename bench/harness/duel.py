"""Duels: two contested cases measured head to head, their rounds alternating, until the ratio is decided.

Overlapping intervals mean "not yet known", not "tied" (DESIGN 13). Where a
workload's leaders are not told apart, both cases' workers are started and
warmed up, then run rounds in turn (A B, B A, A B, ...: neither always first),
so each pair of rounds shares the machine's speed phase as a round and its
paired baseline do. Each pair gives one ratio, B's time over A's (above 1: A is
faster), and the duel stops as soon as the 95% interval of their median

- lies within the equivalence margin (``EQUIVALENCE``, +-5%): they are equivalent (even where it
  excludes 1: a difference shown to be that small is not one to choose by, as criterion ignores
  changes under its noise threshold);
- excludes 1: one of them wins;

or when its budget of seconds (``--duel-budget``) or pairs is spent: undecided,
with its interval. Nothing is called before ``DUEL_MIN_PAIRS`` pairs (benchstat
will not call a difference on fewer than 4-6 samples a side). A pair that other
programs' load distorted is redone, as a case's round is (``load``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .. import stats
from .load import Guard, Reader, Redo, loaded, redo_budget, wait_quiet
from .options import DUEL_MIN_PAIRS, EQUIVALENCE
from .rounds import Rounds

MAX_PAIRS = 60  # a duel of very short rounds stops here whatever its budget of seconds

#: What a duel decided: A wins, B wins, they are equivalent, or the budget ran out first.
A_WINS, B_WINS, EQUIVALENT, UNDECIDED = "a", "b", "equivalent", "undecided"


@dataclass(frozen=True)
class Rule:
    """When a duel stops: its budget, the margin of equivalence, and the pairs it needs before calling anything."""

    budget_s: float
    margin: float = EQUIVALENCE
    min_pairs: int = DUEL_MIN_PAIRS
    max_pairs: int = MAX_PAIRS


def decide(ratios: list[float], rule: Rule) -> str | None:
    """A_WINS, B_WINS or EQUIVALENT once the ratios' interval says so, else None (measure on)."""
    if len(ratios) < rule.min_pairs:
        return None
    _, low, high = stats.median_interval([ratios])
    if low >= 1 / (1 + rule.margin) and high <= 1 + rule.margin:
        return EQUIVALENT  # first: a difference shown to be under the margin is not worth choosing by
    if low > 1:
        return A_WINS
    if high < 1:
        return B_WINS
    return None


@dataclass
class Bout:
    """The alternating rounds of one duel so far, and what came of them."""

    times_a: list[float] = field(default_factory=list)
    times_b: list[float] = field(default_factory=list)
    redone: list[Redo] = field(default_factory=list)
    outcome: str = UNDECIDED
    seconds: float = 0.0

    @property
    def ratios(self) -> list[float]:
        return [b / a for a, b in zip(self.times_a, self.times_b, strict=True) if a > 0]

    def record(self, rule: Rule) -> dict[str, Any]:
        """What the saved run keeps of the duel (``bench_run.duels``), besides who fought and why."""
        ratios = self.ratios
        median, low, high = stats.median_interval([ratios]) if len(ratios) >= 2 else (float("nan"),) * 3
        return {
            "times_a": self.times_a,
            "times_b": self.times_b,
            "ratio": median,
            "low": low,
            "high": high,
            "outcome": self.outcome,
            "pairs": len(ratios),
            "seconds": round(self.seconds, 3),
            "margin": rule.margin,
            "redone": [redo.record() for redo in self.redone],
        }


def _pair(a: Rounds, b: Rounds, a_first: bool) -> tuple[float, float]:
    """One round of each, in the order given: (A's time, B's time)."""
    first, second = (a, b) if a_first else (b, a)
    first.run()
    second.run()
    return a.round_time(len(a.windows) - 1), b.round_time(len(b.windows) - 1)


def fight(
    a: Rounds,
    b: Rounds,
    rule: Rule,
    read: Reader | None = None,
    guard: Guard | None = None,
    *,
    clock: Callable[[], float] = time.perf_counter,
) -> Bout:
    """Alternate rounds of the warmed-up ``a`` and ``b`` until ``rule`` decides or the budget is spent."""
    guard = guard or Guard()
    bout, started, budget = Bout(), clock(), redo_budget(rule.min_pairs)
    while True:
        pair_start = clock()
        time_a, time_b = _pair(a, b, a_first=len(bout.times_a) % 2 == 0)
        pair_end = clock()
        load = read(pair_start, pair_end) if read is not None else None
        if read is not None and loaded(load, guard.cores, pair_end - pair_start, guard.limit):
            assert load is not None
            if len(bout.redone) < budget:
                waited, quiet = wait_quiet(read, guard)
                bout.redone.append(Redo(len(a.windows) - 1, load, waited, quiet))
                continue
        bout.times_a.append(time_a)
        bout.times_b.append(time_b)
        bout.seconds = clock() - started
        decided = decide(bout.ratios, rule)
        if decided is not None:
            bout.outcome = decided
            return bout
        if bout.seconds >= rule.budget_s or len(bout.times_a) >= rule.max_pairs:
            return bout
