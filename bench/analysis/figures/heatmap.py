"""The per-core timeline of a case: CPU busy per core over the measured rounds, the GIL made visible.

In a run of several interpreters each gets a column: a free-threaded build's threads busy on every core beside
a GIL build's threads taking turns on one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ... import BASELINE
from ..table import Facts, by_executor
from .kit import caption, fit, measured_on, new_figure

MOVES = 0.1  # the busiest core changes between this share of consecutive samples, or more: it moves around


def cpu_per_core_figure(frame: pd.DataFrame, facts: Facts, workload: str) -> Figure | None:
    """The per-core timeline of ``workload`` at its largest worker count: a row per executor, and in a run of
    several interpreters (``--python``) a column per interpreter, so threads on every core without the GIL stand
    beside threads taking turns with it."""
    top = _top_cases(frame, workload)
    if top is None:
        return None
    workers = int(top["workers"].max())
    shown = by_executor(top, facts)
    pythons = sorted(set(top["python"]), key=facts.python_order)
    cores = max(len(timeline["per_core_pct"][0]) for timeline in top["timeline"])
    several = len(pythons) > 1
    fig, axes = new_figure(
        len(shown) * len(pythons),
        f"CPU busy per core, {workload} at {workers} workers: the GIL picture"
        + (", per interpreter" if several else ""),
        ncols=len(pythons),
        size=(5.2 if several else 9.0, 0.9 + 0.25 * min(cores, 32)),
        sharex=True,
    )
    mesh = None
    for row_index, (executor, rows) in enumerate(shown):
        for column, python in enumerate(pythons):
            ax, cell = axes[row_index * len(pythons) + column], rows[rows["python"] == python]
            if cell.empty:
                _not_run(ax, executor, python)
                continue
            mesh = _heatmap(ax, cell.iloc[0]["timeline"])
            title = heatmap_caption(executor, cell.iloc[0])
            title = f"{python}: {title}" if several else title
            ax.set_title(fit(title, 4.6 if several else 8.0, 9), fontsize=9, loc="left")
            ax.set_ylabel("core")
    drawn = [ax for ax in axes if ax.axison]
    for column in range(len(pythons)):  # under the lowest panel drawn in each column
        lowest = [ax for ax in drawn if axes.index(ax) % len(pythons) == column][-1:]
        for ax in lowest:
            ax.set_xlabel("measured time (s; the measured rounds back to back)")
    if mesh is not None:
        fig.colorbar(mesh, ax=axes, label="CPU busy (%)", shrink=min(0.9, 4.0 / fig.get_figheight()))
    caption(fig, facts.machine, NOTE, about=measured_on(facts))
    return fig


NOTE = (
    "Per-core CPU % of the whole machine, sampled by psutil from outside the worker. Over each panel: the case's "
    "speedup against sequential, its effective cores (CPU seconds of its processes per wall second), and how busy "
    "the cores were at each moment."
)


def _top_cases(frame: pd.DataFrame, workload: str) -> pd.DataFrame | None:
    """The cases drawn: ``workload``'s at its largest worker count (its first parameter set), sequential on top."""
    cpu = frame[(frame["workload"] == workload) & frame["timeline"].notna()]
    if cpu.empty:
        return None
    top: pd.DataFrame = cpu[cpu["workers"] == cpu["workers"].max()]
    top = top[top["params"] == top["params"].iloc[0]]
    if int(top["workers"].iloc[0]) != 1:  # sequential at 1 worker on top, for reference
        top = pd.concat([cpu[(cpu["executor"] == BASELINE) & (cpu["params"] == top["params"].iloc[0])], top])
    return top


def _not_run(ax: Axes, executor: str, python: str) -> None:
    """An empty cell of the grid: the executor did not run under that interpreter (skipped, or failed)."""
    ax.set_axis_off()
    words = f"{python}: no {executor} case\n(skipped or failed: see the report)"
    ax.text(0.5, 0.5, words, ha="center", va="center", fontsize=8, color="dimgrey", transform=ax.transAxes)


def heatmap_caption(executor: str, row: pd.Series) -> str:
    """A heatmap panel's story in words, from its own figures: speedup, cores used, and how the busy cores behave."""
    at = f"{row['workers']} worker" + ("s" if row["workers"] != 1 else "")
    figures = [f"{row['speedup']:.2f}x"] if pd.notna(row["speedup"]) else []
    if pd.notna(row["effective_cores"]):
        figures.append(f"{row['effective_cores']:.2f} effective cores")
    story = busy_cores(row["timeline"])
    return f"{executor} ({at}): {', '.join(figures)}" + (f"; {story}" if story else "")


def busy_cores(timeline: dict[str, Any]) -> str:
    """How the busy cores behave over a timeline: one core moving around, one core staying, or several at once."""
    pct = np.asarray(timeline["per_core_pct"], dtype=float)  # samples x cores
    if pct.ndim != 2 or pct.shape[1] < 2:
        return ""
    total = pct.sum(axis=1) / 100
    busy = pct[total > 0.5]
    if len(busy) < 2:
        return ""
    mean = float((busy.sum(axis=1) / 100).mean())
    if mean >= 1.5:
        return f"{mean:.1f} cores busy at once on average"
    top = busy.argmax(axis=1)
    if float((top[1:] != top[:-1]).mean()) >= MOVES:
        return f"the busy core moves around while the sum stays near one ({mean:.2f} cores)"
    return f"one core stays busy ({mean:.2f} cores in all)"


def _heatmap(ax: Axes, timeline: dict[str, Any]) -> Any:
    pct = np.asarray(timeline["per_core_pct"], dtype=float).T  # cores x samples
    ends = np.maximum.accumulate(np.asarray(timeline["t_s"], dtype=float))
    edges = np.concatenate([[0.0], ends])
    mesh = ax.pcolormesh(
        edges, np.arange(pct.shape[0] + 1) - 0.5, pct, vmin=0, vmax=100, cmap="viridis", shading="flat"
    )
    if pct.shape[0] <= 16:
        ax.set_yticks(range(pct.shape[0]))
    return mesh
