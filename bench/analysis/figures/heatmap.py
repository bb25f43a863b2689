"""The per-core timeline of a case: CPU busy per core over the measured rounds, the GIL made visible."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ... import BASELINE
from ..table import Facts, by_executor
from .kit import caption, fit, new_figure

MOVES = 0.1  # the busiest core changes between this share of consecutive samples, or more: it moves around


def cpu_per_core_figure(frame: pd.DataFrame, facts: Facts, workload: str) -> Figure | None:
    """The per-core timeline of ``workload`` at its largest worker count, one panel per executor."""
    cpu = frame[(frame["workload"] == workload) & frame["timeline"].notna()]
    if cpu.empty:
        return None
    top = cpu[cpu["workers"] == cpu["workers"].max()]
    top = top[top["params"] == top["params"].iloc[0]]
    workers = int(top["workers"].iloc[0])
    if workers != 1:  # sequential at 1 worker on top, for reference
        top = pd.concat([cpu[(cpu["executor"] == BASELINE) & (cpu["params"] == top["params"].iloc[0])], top])
    shown = by_executor(top, facts)
    cores = max(len(timeline["per_core_pct"][0]) for timeline in top["timeline"])
    fig, axes = new_figure(
        len(shown),
        f"CPU busy per core, {workload} at {workers} workers: the GIL picture",
        ncols=1,
        size=(9.0, 0.9 + 0.25 * min(cores, 32)),
        sharex=True,
    )
    mesh = None
    for ax, (executor, rows) in zip(axes, shown, strict=True):
        row = rows.iloc[0]
        mesh = _heatmap(ax, row["timeline"])
        ax.set_title(fit(heatmap_caption(executor, row), 8.0, 9), fontsize=9, loc="left")
        ax.set_ylabel("core")
    axes[-1].set_xlabel("measured time (s; the measured rounds back to back)")
    if mesh is not None:
        fig.colorbar(mesh, ax=axes, label="CPU busy (%)", shrink=min(0.9, 4.0 / fig.get_figheight()))
    caption(
        fig,
        facts.machine,
        "Per-core CPU % of the whole machine, sampled by psutil from outside the worker. Over each panel: the "
        "case's speedup against sequential, its effective cores (CPU seconds of its processes per wall second), "
        "and how busy the cores were at each moment.",
    )
    return fig


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
