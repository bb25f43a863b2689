"""Statistics shared by compare and the self-check: bootstrap intervals (numpy), seeded so they repeat.

Kept outside both the harness and the analysis package: the self-check (harness)
and compare (analysis) must compute the very same interval.
"""

from __future__ import annotations

import numpy as np

RESAMPLES = 2000
CONFIDENCE = 0.95
SEED = 12345  # fixed, so the same data always give the same intervals


def bootstrap_ratio(base: np.ndarray, other: np.ndarray) -> tuple[float, float]:
    """CONFIDENCE interval of median(other) / median(base), resampling each sample (percentile bootstrap)."""
    rng = np.random.default_rng(SEED)
    base_medians = np.median(rng.choice(base, size=(RESAMPLES, base.size)), axis=1)
    other_medians = np.median(rng.choice(other, size=(RESAMPLES, other.size)), axis=1)
    tail = (1 - CONFIDENCE) / 2
    low, high = np.quantile(other_medians / base_medians, [tail, 1 - tail])
    return float(low), float(high)
