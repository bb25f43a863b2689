"""bench.stats: seeded bootstrap intervals, one level (rounds) and two (passes, then rounds)."""

from __future__ import annotations

import numpy as np
import pytest

from bench import stats


def test_bootstrap_ratio_is_seeded_and_brackets_the_ratio() -> None:
    base, other = np.array([1.0, 1.1, 0.9, 1.05, 0.95]), np.array([2.0, 2.2, 1.8, 2.1, 1.9])
    low, high = stats.bootstrap_ratio(base, other)
    assert (low, high) == stats.bootstrap_ratio(base, other)
    assert low <= 2.0 <= high


def test_median_interval_brackets_the_median_and_repeats() -> None:
    groups = [[1.0, 1.1, 0.9], [1.2, 1.3, 1.25], [0.8, 0.85, 0.9]]
    median, low, high = stats.median_interval(groups)
    assert median == pytest.approx(1.0)
    assert low <= median <= high
    assert stats.median_interval(groups) == (median, low, high)


def test_passes_that_disagree_widen_the_interval() -> None:
    """Two levels: passes far apart give a wide interval, even when each pass's rounds agree closely."""
    tight_rounds_apart_passes = [[1.0, 1.001, 0.999], [1.5, 1.501, 1.499], [0.7, 0.701, 0.699]]
    pooled = [[value for group in tight_rounds_apart_passes for value in group]]  # as if one process
    _, low2, high2 = stats.median_interval(tight_rounds_apart_passes)
    _, low1, high1 = stats.median_interval([[1.0, 1.001, 0.999]])
    assert high2 - low2 > 0.3
    assert high1 - low1 < 0.01
    assert stats.independent_units(tight_rounds_apart_passes) == 3
    assert stats.independent_units(pooled) == 1


def test_unequal_passes_are_resampled_too() -> None:
    median, low, high = stats.median_interval([[1.0, 1.1], [1.2, 1.0, 0.9, 1.05]])
    assert low <= median <= high


def test_ratio_interval() -> None:
    ratio, low, high = stats.ratio_interval([[1.0, 1.1, 0.9]], [[2.0, 2.2, 1.8]])
    assert ratio == pytest.approx(2.0)
    assert low <= 2.0 <= high
    with pytest.raises(ValueError):
        stats.median_interval([[], []])
