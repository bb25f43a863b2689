"""Statistics shared by compare, the verdict and the self-check: bootstrap intervals (numpy), seeded so they repeat.

Kept outside both the harness and the analysis package: the self-check (harness)
and compare (analysis) must compute the very same interval.

Rounds of one worker process are not independent samples: they share its luck
(memory layout) and the machine's phase (DESIGN decisions 7 and 8). A pass is one
process per case, so the honest unit of resampling is the pass, then the rounds
within it (a two-level, hierarchical bootstrap). With one pass the interval can
only see round-to-round noise, never process-to-process variation: callers must
say so (``independent_units`` tells them).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

RESAMPLES = 2000
CONFIDENCE = 0.95
SEED = 12345  # fixed, so the same data always give the same intervals

Groups = Sequence[Sequence[float]]  # values per independent unit (per pass), each unit's rounds

#: Two figures whose ratio's whole interval lies within +-5% of 1 are equivalent: a difference shown to be that
#: small is not one to choose by (the duels' margin, and the verdict's against sequential).
EQUIVALENCE = 0.05


def within(low: float, high: float, margin: float = EQUIVALENCE) -> bool:
    """Whether an interval of a ratio lies wholly within ``margin`` of 1 (on the ratio's log scale)."""
    return low >= 1 / (1 + margin) and high <= 1 + margin


#: What a target check says (selfcheck): the whole interval on the target's side, all of it beyond, or neither.
MET, NOT_MET, NOT_SHOWN = "met", "NOT MET", "not shown"


def bootstrap_ratio(base: np.ndarray, other: np.ndarray) -> tuple[float, float]:
    """CONFIDENCE interval of median(other) / median(base), resampling each sample (percentile bootstrap)."""
    rng = np.random.default_rng(SEED)
    base_medians = np.median(rng.choice(base, size=(RESAMPLES, base.size)), axis=1)
    other_medians = np.median(rng.choice(other, size=(RESAMPLES, other.size)), axis=1)
    tail = (1 - CONFIDENCE) / 2
    low, high = np.quantile(other_medians / base_medians, [tail, 1 - tail])
    return float(low), float(high)


def independent_units(groups: Groups) -> int:
    """How many independent units (passes with data) the values come from."""
    return sum(1 for group in groups if len(group))


def resampled_medians(groups: Groups, rng: np.random.Generator, resamples: int = RESAMPLES) -> np.ndarray:
    """``resamples`` bootstrap medians: draw passes with replacement, then rounds within each drawn pass."""
    kept = [np.asarray(group, dtype=float) for group in groups if len(group)]
    if not kept:
        raise ValueError("no values to resample")
    sizes = {group.size for group in kept}
    if len(sizes) == 1:  # the usual case, vectorised: every pass has the same number of rounds
        data = np.vstack(kept)
        units, rounds = data.shape
        chosen = rng.integers(units, size=(resamples, units))
        within = rng.integers(rounds, size=(resamples, units, rounds))
        drawn = data[chosen[:, :, None], within]
        return np.asarray(np.median(drawn.reshape(resamples, -1), axis=1))
    medians = np.empty(resamples)
    for b in range(resamples):
        picks = rng.integers(len(kept), size=len(kept))
        medians[b] = np.median(np.concatenate([rng.choice(kept[i], size=kept[i].size) for i in picks]))
    return medians


def median_interval(groups: Groups) -> tuple[float, float, float]:
    """(median of all values, CONFIDENCE interval low, high), by the two-level bootstrap."""
    rng = np.random.default_rng(SEED)
    values = np.concatenate([np.asarray(group, dtype=float) for group in groups if len(group)])
    tail = (1 - CONFIDENCE) / 2
    low, high = np.quantile(resampled_medians(groups, rng), [tail, 1 - tail])
    return float(np.median(values)), float(low), float(high)


def ratio_interval(base: Groups, other: Groups) -> tuple[float, float, float]:
    """(median(other) / median(base), CONFIDENCE interval), each side resampled on its own, two levels."""
    rng = np.random.default_rng(SEED)
    base_values = np.concatenate([np.asarray(group, dtype=float) for group in base if len(group)])
    other_values = np.concatenate([np.asarray(group, dtype=float) for group in other if len(group)])
    ratios = resampled_medians(other, rng) / resampled_medians(base, rng)
    tail = (1 - CONFIDENCE) / 2
    low, high = np.quantile(ratios, [tail, 1 - tail])
    return float(np.median(other_values) / np.median(base_values)), float(low), float(high)


def against_target(low: float, high: float, target: float, *, at_most: bool = True) -> str:
    """Whether an interval shows a target (``value <= target``, or ``>=`` when not ``at_most``).

    Only an interval wholly on the target's side has shown it (MET), and only one wholly beyond it
    has shown the opposite (NOT_MET); one that crosses the target has shown neither (NOT_SHOWN):
    a point estimate on either side of it is then noise, not a result.
    """
    if at_most:
        return MET if high <= target else NOT_MET if low > target else NOT_SHOWN
    return MET if low >= target else NOT_MET if high < target else NOT_SHOWN
