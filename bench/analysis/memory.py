"""What one more thread, process, greenlet or task costs in memory: the slope of a worker's peak PSS over its units.

A case's own "memory per unit" (peak PSS minus the PSS of the ready worker, over
its units) is honest only when there are many units: at one unit it is everything
the case added to its process (imports done in the first round, buffers, caches),
15 MiB "per asyncio task" where that task is aiohttp's import. The slope over the
worker counts a run measured leaves out what every worker pays once. It means
something only when the units span a range and the growth it predicts over that
range stands above the noise of one process's peak; otherwise it is reported as
unmeasurable rather than as a small or negative number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Growth (bytes, over the units measured) below which a slope is noise. The peak PSS of one worker varies by a few
#: hundred KiB from case to case with nothing added (92-384 KiB at 1 worker across the cpu cases of the 2-core
#: reference run), so a fitted growth under 1 MiB cannot be told apart from it.
NOISE_BYTES = 1 << 20


@dataclass(frozen=True)
class Slope:
    """Memory per added unit of one executor on one workload, fitted over ``units`` from ``low`` to ``high``."""

    low: int
    high: int
    per_unit: float  # bytes (memory) or seconds (start-up) per added unit

    @property
    def meaningful(self) -> bool:
        """Positive, and predicting more growth over the span than one process's noise."""
        return self.per_unit > 0 and self.per_unit * (self.high - self.low) >= NOISE_BYTES

    @property
    def span(self) -> str:
        return f"{self.low}-{self.high}"


def added_unit_cost(rows: pd.DataFrame) -> Slope | None:
    """The slope of peak PSS against units over ``rows`` (one executor's cases), or None under two unit counts."""
    return _slope(rows, "peak_pss")


def one_unit(row: pd.Series) -> bool:
    """Whether a case ran a single unit: its "memory per unit" is then the whole case's cost to its process."""
    units = row.get("units")
    return bool(units == 1) if pd.notna(units) else int(row["workers"]) == 1


def startup_slope(rows: pd.DataFrame) -> Slope | None:
    """The slope of the executor's start-up seconds against units over ``rows``, or None under two unit counts.

    What every start pays once (a forkserver, a pool's own threads) is left out, as for memory.
    """
    return _slope(rows, "startup_s")


def _slope(rows: pd.DataFrame, column: str) -> Slope | None:
    """The least-squares slope of ``column`` against units over the cases that have both (two unit counts at least)."""
    known = rows.dropna(subset=["units", column])
    if known["units"].nunique() < 2:
        return None
    units = known["units"].astype(float)
    slope = float(np.polyfit(units, known[column].astype(float), 1)[0])
    return Slope(int(units.min()), int(units.max()), slope)
