"""Switching builds at a glance: per workload, each build's fastest configuration beside its sequential case.

One panel per workload timed in rounds (and pairing of builds, ``bench.analysis.builds``): a row per build (the
GIL build, the free-threaded one without its GIL, and its -gil twin), each with two bars, its fastest
configuration (the executor's colour) and sequential (grey), at their median round time with its interval.
Lower is better; the title gives the ratio the verdict gives, and how it was reached.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ... import BASELINE
from ...vocabulary import TIMED
from ..builds import Chosen, Pairing, chosen, gil_back, meeting, pairings
from ..duel_records import Side
from ..quantities import TIME, groups, side
from ..table import Facts
from .kit import caption, fit, measured_on, new_figure

BAR = 0.36  # a bar's height, of a row's
SEQUENTIAL_COLOR = "lightgrey"


def builds_figure(run: dict[str, Any], frame: pd.DataFrame, facts: Facts) -> Figure | None:
    """Each build's fastest configuration and its sequential case per workload; None without two builds."""
    back = gil_back(run)
    panels = [
        (pairing, rows, chosen(rows, pairing, back))
        for pairing in pairings(facts)
        for (workload, _), rows in frame.groupby(["workload", "params"], sort=False)
        if facts.workload(str(workload))["judged_by"] in TIMED
    ]
    panels = [
        (p, rows, sides)
        for p, rows, sides in panels
        if sides[p.gil].best is not None and sides[p.free].best is not None
    ]
    if not panels:
        return None
    builds = max(len(pairing.labels) for pairing, _, _ in panels)
    fig, axes = new_figure(
        len(panels), "Switching builds: the fastest configuration under each, and sequential", ncols=2,
        size=(5.6, 1.5 + 0.7 * builds),
    )  # fmt: skip
    for ax, (pairing, rows, sides) in zip(axes, panels, strict=True):
        _panel(ax, pairing, sides, facts)
        gil, free = sides[pairing.gil].best, sides[pairing.free].best
        assert gil is not None and free is not None  # panels are drawn only where both builds have one
        met = meeting(run, gil, free)
        title = f"{rows['workload'].iloc[0]}: {pairing.free}'s fastest takes {met.ratio:.2f}x the time of "
        ax.set_title(fit(f"{title}{pairing.gil}'s ({met.interval})", 5.0, 9), fontsize=9)
    caption(
        fig,
        facts.machine,
        "Median round time of each build's fastest configuration (coloured by executor) and of sequential "
        "(grey), with 95% intervals; lower is better. The builds ran every case back to back, in alternating "
        "order. A free-threaded case whose GIL came back on is left out.",
        about=measured_on(facts),
    )
    return fig


def _panel(ax: Axes, pairing: Pairing, sides: dict[str, Chosen], facts: Facts) -> None:
    """One workload: a row per build, its fastest configuration and sequential as bars with their intervals."""
    labels = [label for label in pairing.labels if sides[label].best is not None]
    for y, label in enumerate(labels):
        best, sequential = sides[label].best, sides[label].sequential
        assert best is not None
        if best["executor"] == BASELINE or sequential is None:  # one bar: sequential is the fastest (or absent)
            _bar(ax, y, best, facts.color(str(best["executor"])), "fastest: ")
            continue
        _bar(ax, y - BAR / 2, best, facts.color(str(best["executor"])), "fastest: ")
        _bar(ax, y + BAR / 2, sequential, SEQUENTIAL_COLOR)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_ylim(len(labels) - 0.4, -0.6)
    ax.set_xlabel("median round time (s), lower is better", fontsize=9)
    ax.grid(True, axis="x", alpha=0.3)
    ax.margins(x=0.25)


def _bar(ax: Axes, y: float, row: pd.Series, color: str, prefix: str = "") -> None:
    """One case as a bar at its median round time, its interval as an error bar, its name at its end."""
    found = side(groups(row, TIME))
    value = float(row["median_s"]) if np.isnan(found.value) else found.value
    error = None if np.isnan(found.low) else [[value - found.low], [found.high - value]]
    hatch = "//" if row["executor"] == BASELINE else None
    ax.barh(y, value, height=BAR, color=color, edgecolor="dimgrey", hatch=hatch, xerr=error, capsize=3)
    end = value if np.isnan(found.high) else max(value, found.high)
    ax.annotate(
        prefix + Side.of(row).where, (end, y), xytext=(4, 0), textcoords="offset points", va="center", fontsize=7.5
    )
