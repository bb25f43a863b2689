"""Compare's figure: each later run's ratio per compared figure, with its interval, against a line at 1.0."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ...stats import CONFIDENCE
from ..compare_runs import Loaded, pairs
from ..compare_text import differences
from ..quantities import QUANTITIES
from ..table import KEY
from .kit import CAPTION_IN, caption, finish_rows, intervals, ratio_axis, row_offset, rows_figure


def _figure_name(row: dict[Any, Any]) -> str:
    quantity = QUANTITIES[str(row["figure"])]
    python = f" {row['python']}" if row["python"] else ""
    drift = "" if quantity.paired else " (drift-exposed)"
    return f"{row['workload']} {row['executor']} w{row['workers']}{python}: {quantity.label}{drift}"


def figure(frame: pd.DataFrame, runs: list[Loaded]) -> Figure:
    """Each later run's ratio per compared figure, with its interval, against a line at 1.0 (no change)."""
    compared = frame[frame["ratio"].notna()].reset_index(drop=True)
    keys = compared[[*KEY, "figure"]].drop_duplicates().reset_index(drop=True)
    names = [_figure_name(row) for row in keys.to_dict("records")]
    if keys.groupby("workload")["params"].nunique().max() > 1:  # only then do parameters tell cases apart
        names = [f"{name} ({params})" for name, params in zip(names, keys["params"], strict=True)]
    series = len(runs) - 1
    fig, ax = rows_figure(len(keys), 11, 0.28 * max(1, series) ** 0.5, CAPTION_IN)
    position = {tuple(row): i for i, row in enumerate(keys.itertuples(index=False))}
    for k, pair in enumerate(pairs(runs)):
        rows = compared[compared["pair"] == pair]
        y = np.array([position[tuple(row)] for row in rows[[*KEY, "figure"]].itertuples(index=False)], dtype=float)
        y += row_offset(k, series)
        ratio, low, high = (rows[name].to_numpy(dtype=float) for name in ("ratio", "ci_low", "ci_high"))
        has_ci = ~np.isnan(low)
        significant = rows["significant"].to_numpy(dtype=bool)
        for chosen, fill, kind in (
            (has_ci & significant, f"C{k}", "significant"),
            (has_ci & ~significant, "white", "not significant, or not called"),
        ):
            if chosen.any():
                label = f"{pair}, {kind} ({CONFIDENCE:.0%} CI)"
                at = (ratio[chosen], y[chosen], low[chosen], high[chosen])
                intervals(ax, *at, color=f"C{k}", markerfacecolor=fill, label=label)
        no_ci = ~has_ci & ~np.isnan(ratio)
        if no_ci.any():
            ax.plot(ratio[no_ci], y[no_ci], "x", color=f"C{k}", label=f"{pair} (too few values for a CI)")
    ratio_axis(ax, compared[["ratio", "ci_low", "ci_high"]])
    title = f"Each compared figure relative to run {runs[0].label}: paired figures first, drift-exposed times last"
    finish_rows(ax, names, title, f"later / {runs[0].label} (log scale)", "no change")
    differ = "; ".join(differences(runs)) or "same machine facts and Python in every run"
    caption(fig, runs[0].facts, differ, label=runs[0].label)
    return fig
