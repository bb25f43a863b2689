"""Duels: two contested cases measured head to head, their rounds alternating, until the ratio is decided.

Overlapping intervals mean "not yet known", not "tied" (DESIGN 13). Where a
workload's leaders are not told apart, both cases' workers are started and
warmed up, then run rounds in turn (A B, B A, A B, ...: neither always first),
so each pair of steps shares the machine's speed phase as a round and its
paired baseline do. Where the workload is judged by its paired speedup, each
step is a round with its own sequential baseline in the same process, and the
pair's ratio is A's speedup over B's: two processes can run the same loop up to
20% apart (a fresh process's slow start, their luck), and ratios within each
process cancel that. Otherwise (against the ideal, across interpreters) a step
is a round, and the ratio B's time over A's. Above 1, A is faster; the duel
stops as soon as the 95% interval of the pairs' median

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
from typing import Any, Protocol

from .. import stats
from ..stats import EQUIVALENCE, within
from ..vocabulary import A_WINS, B_WINS, EQUIVALENT, UNDECIDED  # what a duel decided, as its record says
from .load import Guard, Reader, Redo, loaded, redo_budget, wait_quiet
from .options import DUEL_MIN_PAIRS
from .rounds import Rounds

MAX_PAIRS = 60  # a duel of very short rounds stops here whatever its budget of seconds


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
    if within(low, high, rule.margin):
        return EQUIVALENT  # first: a difference shown to be under the margin is not worth choosing by
    if low > 1:
        return A_WINS
    if high < 1:
        return B_WINS
    return None


class Side(Protocol):
    """One side of a duel: a step of it (a round, with its paired baseline where it has one) and its figure."""

    def step(self) -> float:
        """Run one step and return its figure: higher is better (a paired speedup, or 1 / round time)."""
        ...


@dataclass
class Timed:
    """A side judged by its round times (against the ideal, across interpreters): its figure is 1 / time."""

    rounds: Rounds

    def step(self) -> float:
        self.rounds.run()
        return 1 / max(self.rounds.round_time(len(self.rounds.windows) - 1), 1e-12)


@dataclass
class Paired:
    """A side judged by its paired speedup: a round and, alternately before or after it, a sequential round of the
    same work in the same process. Two worker processes can run the same loop up to 20% apart (their luck, a
    fresh process's slow start): ratios within each process cancel that, so duels of speedups compare them."""

    rounds: Rounds

    def step(self) -> float:
        self.rounds.before()
        self.rounds.run()
        self.rounds.after()
        last = len(self.rounds.windows) - 1
        return self.rounds.baseline_s[last] / max(self.rounds.round_time(last), 1e-12)


@dataclass
class Sequential:
    """Sequential itself on the paired scale: its speedup is 1 by definition, so nothing is run."""

    def step(self) -> float:
        return 1.0


@dataclass
class Bout:
    """The alternating steps of one duel so far, and what came of them."""

    figures_a: list[float] = field(default_factory=list)  # per step, higher is better
    figures_b: list[float] = field(default_factory=list)
    redone: list[Redo] = field(default_factory=list)
    outcome: str = UNDECIDED
    seconds: float = 0.0

    @property
    def ratios(self) -> list[float]:
        """A's figure over B's, pair by pair: above 1, A is faster."""
        return [a / b for a, b in zip(self.figures_a, self.figures_b, strict=True) if b > 0]

    def record(self, rule: Rule) -> dict[str, Any]:
        """What the saved run keeps of the duel (``bench_run.duels``), besides who fought, why and on what basis."""
        ratios = self.ratios
        median, low, high = stats.median_interval([ratios]) if len(ratios) >= 2 else (float("nan"),) * 3
        return {
            "ratios": ratios,  # per pair of steps: A's figure over B's (above 1: A faster)
            "figures_a": self.figures_a,  # per step, higher is better: a paired speedup, or 1 / round seconds
            "figures_b": self.figures_b,
            "ratio": median,
            "low": low,
            "high": high,
            "outcome": self.outcome,
            "pairs": len(ratios),
            "seconds": round(self.seconds, 3),
            "margin": rule.margin,
            "redone": [redo.record() for redo in self.redone],
        }


def fight(
    a: Side,
    b: Side,
    rule: Rule,
    read: Reader | None = None,
    guard: Guard | None = None,
    *,
    clock: Callable[[], float] = time.perf_counter,
) -> Bout:
    """Alternate steps of the warmed-up ``a`` and ``b`` (A B, B A, ...) until ``rule`` decides or the budget ends."""
    guard = guard or Guard()
    bout, started, budget = Bout(), clock(), redo_budget(rule.min_pairs)
    while True:
        pair_start = clock()
        if len(bout.figures_a) % 2 == 0:
            figure_a, figure_b = a.step(), b.step()
        else:
            figure_b, figure_a = b.step(), a.step()
        pair_end = clock()
        load = read(pair_start, pair_end) if read is not None else None
        if read is not None and loaded(load, guard.cores, pair_end - pair_start, guard.limit):
            assert load is not None
            if len(bout.redone) < budget:
                waited, quiet = wait_quiet(read, guard)
                bout.redone.append(Redo(len(bout.figures_a), load, waited, quiet))
                continue
        bout.figures_a.append(figure_a)
        bout.figures_b.append(figure_b)
        bout.seconds = clock() - started
        decided = decide(bout.ratios, rule)
        if decided is not None:
            bout.outcome = decided
            return bout
        if bout.seconds >= rule.budget_s or len(bout.figures_a) >= rule.max_pairs:
            return bout
