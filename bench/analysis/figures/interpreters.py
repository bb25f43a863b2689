"""Interpreters side by side (``--python``): each later interpreter's time ratio to the first, per case."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ...stats import CONFIDENCE
from ..side_by_side import CASE, several, table
from ..table import Facts
from .kit import finish_rows, intervals, row_offset, rows_figure


def interpreters_figure(frame: pd.DataFrame, facts: Facts) -> Figure | None:
    """Each later interpreter's time ratio to the first per case, with its interval, against a line at 1.0."""
    if not several(facts):
        return None
    found = table(frame, facts)
    found = found[found["ratio"].notna()].reset_index(drop=True) if not found.empty else found
    if found.empty:
        return None
    keys = found[CASE].drop_duplicates().reset_index(drop=True)
    names = [f"{row.workload} {row.executor} w{row.workers}" for row in keys.itertuples()]
    position = {tuple(row): i for i, row in enumerate(keys.itertuples(index=False))}
    others = list(dict.fromkeys(found["other"]))
    first = found["first"].iloc[0]
    fig, ax = rows_figure(len(keys), 10, 0.3)
    for k, other in enumerate(others):
        rows = found[found["other"] == other]
        y = np.array([position[tuple(row)] for row in rows[CASE].itertuples(index=False)], dtype=float)
        y += row_offset(k, len(others))
        ratio, low, high = (rows[name].to_numpy(dtype=float) for name in ("ratio", "ci_low", "ci_high"))
        has_ci = ~np.isnan(low)
        if has_ci.any():
            label = f"{other} / {first} ({CONFIDENCE:.0%} CI)"
            intervals(ax, ratio[has_ci], y[has_ci], low[has_ci], high[has_ci], color=f"C{k}", label=label)
        if (~has_ci).any():
            ax.plot(ratio[~has_ci], y[~has_ci], "x", color=f"C{k}", label=f"{other} (too few rounds for a CI)")
    xlabel = f"median round time / {first}'s (above 1 = slower)"
    finish_rows(ax, names, "Interpreters side by side, interleaved in one run", xlabel, "same speed")
    return fig
