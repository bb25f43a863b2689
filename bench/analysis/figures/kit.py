"""The drawing kit every figure uses: figures of panels or of rows, titles and captions that fit, legends, axes.

A figure of panels (``new_figure``) is a grid with a title on top and room
for a caption below; a figure of rows (``rows_figure``) is one panel with a
row per compared case, a dot per ratio with its interval, against a line at 1
(compare, interpreters side by side). Captions name the machine (``caption``),
text is wrapped to the width it must fit (``fit``), and a legend stands beside
the panels, never over the data.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import MaxNLocator, NullLocator

from ... import machine_line
from ..table import Facts

CAPTION_IN = 0.45  # inches kept free under the panels for a caption of two lines (more lines: the figure grows)
TITLE_PT = 10  # a panel's title
CHAR_EM = 0.62  # a character's mean width in ems (DejaVu Sans; digits and "_" are wide): how many fit a line
ROW_SPREAD = 0.6  # of a row's height, shared by the dots of several series on one row


def fit(text: str, width_in: float, fontsize: float) -> str:
    """``text`` wrapped, line by line, so that it fits ``width_in`` inches at ``fontsize`` points."""
    chars = max(20, int(width_in * 72 / (fontsize * CHAR_EM)))
    return "\n".join(textwrap.fill(line, chars) if line else line for line in text.split("\n"))


def panel_title(workload: str, params: str, facts: Facts, width_in: float = 4.0) -> str:
    """A workload's name over its parameters in words (its own description), wrapped to fit a panel."""
    words = facts.workload(workload)["description"] or params
    return f"{workload}\n{fit(str(words), width_in, TITLE_PT)}" if words else workload


def panels(frame: pd.DataFrame, facts: Facts, workload: str | None = None) -> list[tuple[str, pd.DataFrame]]:
    """One (title, rows) per workload and parameter set: only equal parameters share a panel."""
    if workload is not None:
        frame = frame[frame["workload"] == workload]
    return [
        (panel_title(str(name), str(params), facts), group)
        for (name, params), group in frame.groupby(["workload", "params"], sort=True)
    ]


def new_figure(
    n_panels: int, title: str, ncols: int = 3, size: tuple[float, float] = (5.0, 3.8), sharex: bool = False
) -> tuple[Figure, list[Axes]]:
    """A figure of ``n_panels`` axes in a grid, a title on top and room for a caption below."""
    ncols = min(ncols, n_panels)
    nrows = -(-n_panels // ncols)
    height = size[1] * nrows + CAPTION_IN + 0.5
    bottom = CAPTION_IN / height
    fig = Figure(
        figsize=(max(size[0] * ncols, 8.0), height), layout=ConstrainedLayoutEngine(rect=(0, bottom, 1, 1 - bottom))
    )
    grid = fig.subplots(nrows, ncols, squeeze=False, sharex=sharex)
    axes = list(grid.flat)
    for extra in axes[n_panels:]:
        extra.remove()
    fig.suptitle(fit(title, fig.get_figwidth() * 0.95, 12), fontweight="bold")
    return fig, axes[:n_panels]


def measured_on(facts: Facts) -> str:
    """The interpreters a run measured and its machine, in one line: a --python run names each interpreter (its
    version, build and GIL as it ran), not the harness's own, which measured nothing there."""
    if len(facts.pythons) < 2:
        return machine_line.describe(facts.machine)
    named = []
    for python in facts.pythons:
        build = ", free-threaded build" if python.get("free_threaded_build") else ""
        gil = "GIL on" if python.get("gil_enabled", True) else "GIL off"
        named.append(
            f"{python.get('label')} ({python.get('implementation', '?')} {python.get('version', '?')}{build}, {gil})"
        )
    machine = facts.machine
    cores = f"{machine.get('usable_cores', '?')} usable of {machine.get('logical_cores', '?')} logical cores"
    return f"Measured under {', '.join(named)}; {cores}, {machine.get('cpu_model', '?')}"


def caption(
    fig: Figure, machine_info: dict[str, Any], note: str, label: str = "", *, fontsize: float = 7.5, about: str = ""
) -> None:
    """The machine (after ``label``, where given; ``about`` in its place, where given) and a note under the
    panels, wrapped to the figure's width.

    The figure grows to hold the caption where the room kept for it is too small.
    """
    about = about or machine_line.describe(machine_info)
    text = fit(f"{label}: {about}\n{note}" if label else f"{about}\n{note}", fig.get_figwidth() * 0.95, fontsize)
    needed = (text.count("\n") + 1) * fontsize * 1.3 / 72 + 0.1
    engine = fig.get_layout_engine()
    width, height = fig.get_size_inches()
    reserved = CAPTION_IN
    if isinstance(engine, ConstrainedLayoutEngine):
        reserved = engine.get()["rect"][1] * height
    if needed > reserved:
        height += needed - reserved
        fig.set_size_inches(width, height)
        reserved = needed
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=(0, reserved / height, 1, 1 - reserved / height))
    fig.text(0.5, 0.01 / height, text, ha="center", va="bottom", fontsize=fontsize, color="dimgrey")


def legend(fig: Figure, axes: list[Axes]) -> None:
    """One legend for the whole figure, outside the panels (so it never covers data), of every label drawn once."""
    found: dict[str, Any] = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            found.setdefault(label, handle)
    if found:  # an empty legend is a warning
        fig.legend(list(found.values()), list(found), loc="outside right center", fontsize=8)


def workers_axis(ax: Axes, workers: list[int], base: int = 2) -> None:
    """A log x axis of worker counts, ticked at the counts measured."""
    ax.set_xscale("log", base=base)
    ticks = sorted(set(workers))
    ax.set_xticks(ticks, [str(w) for w in ticks])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("workers (log scale)")
    ax.grid(True, alpha=0.3)


# ---- figures of rows: a ratio per compared case, with its interval, against a line at 1 ----------------------


def rows_figure(rows: int, width: float, row_in: float, caption_in: float = 0.0) -> tuple[Figure, Axes]:
    """One panel tall enough for ``rows`` rows of ``row_in`` inches, with ``caption_in`` inches kept below."""
    height = 1.8 + row_in * rows
    bottom = caption_in / height
    fig = Figure(figsize=(width, height), layout=ConstrainedLayoutEngine(rect=(0, bottom, 1, 1 - bottom)))
    return fig, fig.subplots()


def row_offset(k: int, series: int) -> float:
    """Where the ``k``-th of ``series`` series sits within a row, so that their dots do not hide each other."""
    return (k - (series - 1) / 2) * ROW_SPREAD / max(1, series)


def intervals(
    ax: Axes, values: np.ndarray, ys: np.ndarray, lows: np.ndarray, highs: np.ndarray, *, color: str, **style: Any
) -> None:
    """Values as dots with their intervals as bars (``markerfacecolor="white"``: hollow dots)."""
    ax.errorbar(values, ys, xerr=np.vstack([values - lows, highs - values]), fmt="o", capsize=3, color=color, **style)


def finish_rows(ax: Axes, names: list[str], title: str, xlabel: str, one: str, *, fig: Figure | None = None) -> None:
    """A dashed line at 1 (labelled ``one``), a row per name with the first on top, titles, the legend beside
    (the figure's own, outside the panel, where ``fig`` is given)."""
    ax.axvline(1.0, color="grey", ls="--", label=one)
    ax.set_yticks(np.arange(len(names), dtype=float), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontweight="bold")
    ax.grid(True, axis="x", alpha=0.3)
    if fig is not None:
        legend(fig, [ax])
    else:
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))


def ratio_axis(ax: Axes, values: pd.DataFrame) -> None:
    """A log axis (x2 and /2 equally far from 1) spanning ``values`` and 1, with plain-number ticks."""
    finite = values.to_numpy(dtype=float)
    finite = finite[np.isfinite(finite) & (finite > 0)]
    low, high = min(1.0, float(finite.min(initial=1.0))) / 1.1, max(1.0, float(finite.max(initial=1.0))) * 1.1
    ax.set_xscale("log")
    ticks = [t for t in MaxNLocator(nbins=8).tick_values(low, high) if low <= t <= high and t > 0]
    ax.set_xticks(sorted({*ticks, 1.0}), [f"{t:g}" for t in sorted({*ticks, 1.0})])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlim(low, high)
