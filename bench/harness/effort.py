"""How many rounds a case gets: until its figure is sharp enough, not a fixed count (DESIGN 13).

A case measures at least ``floor`` rounds (``--rounds``), then stops as soon as
the 95% interval of the median of its deciding figure (the paired ratios of a
paired case, the round times of any other) is within ``precision`` of the median
on each side, or at ``cap`` rounds (``--max-rounds``), whichever comes first. A
clear case (a countdown whose ratios agree to 2%) stops at the floor; a noisy
one gets more rounds, where they buy the verdict something. ``--max-rounds``
equal to ``--rounds`` gives an exact count, as before.

Why these numbers: benchstat will not call a difference on fewer than 4-6
samples a side, so the floor is 4; a bootstrap interval of the median of 4 values
spans roughly their middle two, so "±5%" at the floor means the rounds agree
within about 10%. ±5% is also the duels' equivalence margin: a case known to ±5%
is as sharp as the verdict can use (differences under 5% it calls equivalent).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .. import stats


@dataclass(frozen=True)
class Effort:
    """A case's rule for stopping: its floor and cap of counted rounds, and the precision that is enough."""

    floor: int
    cap: int
    precision: float  # half-width of the 95% CI of the median, relative to the median

    def __post_init__(self) -> None:
        if self.cap < self.floor:
            raise ValueError(f"cap {self.cap} under floor {self.floor}")

    @property
    def exact(self) -> bool:
        return self.cap == self.floor


def half_width(values: Sequence[float]) -> float | None:
    """The 95% CI of the median's half-width, relative to the median (None under two values or at zero)."""
    if len(values) < 2:
        return None
    median, low, high = stats.median_interval([list(values)])
    if median <= 0:
        return None
    return (high - low) / 2 / median


#: Why a case stopped measuring.
SHARP, CAP, EXACT = "sharp", "cap", "exact"


def stop_reason(values: Sequence[float], effort: Effort) -> str | None:
    """Why to stop after these counted rounds' figures, or None to measure another."""
    done = len(values)
    if done < effort.floor:
        return None
    if effort.exact:
        return EXACT
    width = half_width(values)
    if width is not None and width <= effort.precision:
        return SHARP
    return CAP if done >= effort.cap else None
