"""Who leads a workload, once intervals, duels and physics have spoken: the one decision both timed judges make.

Overlapping intervals mean "not yet known", never "tied" (DESIGN 13). A challenger
whose interval overlaps the leader's is settled by the duel the run held between
them, if any: beaten (named, with the duel), equivalent within the duel's margin,
or still open (undecided, or never dueled). An open challenger that used one
core where the leader used several on CPU-bound work is no tie either (DESIGN
14): the verdict says the measurement could not decide.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...vocabulary import A_WINS, B_WINS, EQUIVALENT
from . import duels, physics
from .model import Best, Group


@dataclass
class Contest:
    """The leader and where each challenger stands against it, with the duels' and physics' sentences."""

    top: Best
    equivalent: list[Best] = field(default_factory=list)  # within the duel's margin of the leader
    open: list[Best] = field(default_factory=list)  # not told apart: no duel, or an undecided one
    said: list[str] = field(default_factory=list)
    cores_conflict: bool = False  # an open challenger used one core where the leader used several (CPU-bound)


def settle(group: Group, ranked: list[Best]) -> Contest:
    """The contest of ``ranked`` (best first by its figure's median): duels settle what the intervals left open."""
    contest = Contest(ranked[0])
    for challenger in [best for best in ranked[1:] if best.estimate.overlaps(ranked[0].estimate)]:
        duel = duels.between(group, contest.top, challenger)
        if duel is None:
            contest.open.append(challenger)
            continue
        contest.said.append(duel.sentence())
        if duel.outcome == B_WINS:  # the duel overturns the medians' order
            contest.top = challenger
        elif duel.outcome == EQUIVALENT:
            contest.equivalent.append(challenger)
        elif duel.outcome != A_WINS:  # undecided
            contest.open.append(challenger)
    for challenger in contest.open:
        if physics.cores_apart(group, contest.top, challenger):
            contest.cores_conflict = True
            slow, quick = sorted((contest.top, challenger), key=lambda b: b.effective_cores or 0.0)
            contest.said.append(
                f"{quick.executor} ({quick.effective_cores:.2f} cores) and {slow.executor} "
                f"({slow.effective_cores:.2f} cores) were not told apart, yet one used several cores and the "
                "other about one on CPU-bound work: that is the measurement's noise, not a tie."
            )
    return contest
