"""What a workload timed inside its rounds (``measures``): costs per kind, and each measure against workers."""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..table import Facts
from ..wording import not_measured_note, short
from .kit import caption, new_figure, workers_axis

LINE_STYLES: tuple[Any, ...] = (
    "-",
    "--",
    ":",
    "-.",
    (0, (5, 1, 1, 1, 1, 1)),
    (0, (1, 3)),
)  # ... dash-dot-dot, loose dots


def drawn_measures(facts: Facts, workload: str) -> list[dict[str, Any]]:
    """The measures the workload says are drawn, in its own order (title, unit, log scale, better)."""
    return [dict(measure) for measure in facts.workload(workload).get("measures") or []]


def measure_rows(frame: pd.DataFrame, workload: str, name: str) -> list[tuple[pd.Series, str, float]]:
    """(case row, kind, value) of one measure of ``workload``, cases in the frame's order, kinds in theirs."""
    rows = frame[(frame["workload"] == workload) & frame["measures"].notna()]
    return [
        (row, str(kind), float(value))
        for _, row in rows.iterrows()
        for kind, value in (row["measures"].get(name) or {}).items()
        if value is not None and np.isfinite(value)
    ]


def measure_title(measure: dict[str, Any], width: int = 70) -> str:
    better = "lower" if measure.get("lower_is_better", True) else "higher"
    return textwrap.fill(f"{measure['title']} ({better} is better)", width)


def workload_title(facts: Facts, workload: str, panels: int, panel_width: float) -> str:
    """The workload's name and what a round does, wrapped to the figure's width (about 10 characters an inch)."""
    inches = max(panel_width * min(panels, 2), 8.0)
    return textwrap.fill(f"{workload}: {facts.workload(workload)['summary']}", int(inches * 10))


def costs_figure(frame: pd.DataFrame, facts: Facts, workload: str) -> Figure | None:
    """Each measure of ``workload`` as dots, one row per executor and kind: costs side by side across models."""
    measures = [(m, measure_rows(frame, workload, m["name"])) for m in drawn_measures(facts, workload)]
    measures = [(m, rows) for m, rows in measures if rows]
    if not measures:
        return None
    tallest = max(len(rows) for _, rows in measures)
    title = workload_title(facts, workload, len(measures), 6.5)
    fig, axes = new_figure(len(measures), title, ncols=2, size=(6.5, 1.2 + 0.28 * tallest))
    several = frame[frame["workload"] == workload]["workers"].nunique() > 1
    for ax, (measure, rows) in zip(axes, measures, strict=True):
        ordered = sorted(rows, key=lambda item: (facts.rank(str(item[0]["executor"])), int(item[0]["workers"])))
        labels = [
            f"{row['executor']}" + (f" w{row['workers']}" if several else "") + f": {kind}" for row, kind, _ in ordered
        ]
        values = [value for _, _, value in ordered]
        ys = list(range(len(ordered)))[::-1]
        colors = [facts.color(str(row["executor"])) for row, _, _ in ordered]
        if not measure.get("log", True):  # a linear axis starts at zero: bars from it read as amounts
            ax.hlines(ys, 0, values, colors=colors, alpha=0.25, lw=2)
        ax.scatter(values, ys, c=colors, zorder=3)
        for y, value in zip(ys, values, strict=True):
            ax.annotate(short(value), (value, y), xytext=(4, 0), textcoords="offset points", va="center", fontsize=7)
        ax.set_yticks(ys, labels, fontsize=8)
        if measure.get("log", True) and min(values) > 0:
            ax.set_xscale("log")
        scale = ", log scale" if ax.get_xscale() == "log" else ""
        ax.set_title(measure_title(measure), fontsize=10)
        ax.set_xlabel(f"{measure['unit']}{scale}")
        ax.margins(x=0.15)
        ax.grid(True, axis="x", alpha=0.3)
    about = facts.workload(workload)
    note = " ".join(filter(None, [f"{about['description']}.", not_measured_note(frame, workload)]))
    caption(fig, facts.machine, textwrap.fill(note, 160))
    return fig


def _without_flat_zeros(
    rows: list[tuple[pd.Series, str, float]],
) -> tuple[list[tuple[pd.Series, str, float]], list[str]]:
    """The rows without the kinds that are 0 in every case, and those kinds (the panel names them instead).

    Lines lying on zero hide each other and the ones that matter (the updates a lock never loses).
    """
    kinds = list(dict.fromkeys(kind for _, kind, _ in rows))
    flat = [kind for kind in kinds if all(value == 0 for _, k, value in rows if k == kind)]
    if len(flat) == len(kinds):
        return rows, []
    return [row for row in rows if row[1] not in flat], flat


def by_workers_figure(frame: pd.DataFrame, facts: Facts, workload: str) -> Figure | None:
    """Each measure of ``workload`` against workers: colour by executor, line style by kind."""
    measures = [(m, measure_rows(frame, workload, m["name"])) for m in drawn_measures(facts, workload)]
    measures = [(m, rows) for m, rows in measures if rows]
    if not measures:
        return None
    fig, axes = new_figure(len(measures), workload_title(facts, workload, len(measures), 6.0), ncols=2, size=(6.0, 4.2))
    workers = sorted({int(row["workers"]) for _, rows in measures for row, _, _ in rows})
    kinds = list(dict.fromkeys(kind for _, rows in measures for _, kind, _ in rows))  # one style per kind, everywhere
    executors: set[str] = set()
    for ax, (measure, all_rows) in zip(axes, measures, strict=True):
        rows, flat = _without_flat_zeros(all_rows)
        lines: dict[tuple[str, str], list[tuple[int, float]]] = {}
        for row, kind, value in rows:
            lines.setdefault((str(row["executor"]), kind), []).append((int(row["workers"]), value))
        for (executor, kind), points in sorted(lines.items(), key=lambda item: (facts.rank(item[0][0]), item[0])):
            xs, ys = zip(*sorted(points), strict=True)
            style = LINE_STYLES[kinds.index(kind) % len(LINE_STYLES)]
            ax.plot(xs, ys, marker="o", ls=style, color=facts.color(executor), label=f"_{executor} {kind}")
        if measure.get("log", True) and min(value for _, _, value in rows) > 0:
            ax.set_yscale("log")
        workers_axis(ax, workers)
        zeros = f"\n(0 under every executor: {', '.join(flat)})" if flat else ""
        ax.set_title(measure_title(measure) + zeros, fontsize=10)
        ax.set_ylabel(measure["unit"] + (" (log scale)" if ax.get_yscale() == "log" else ""))
        executors |= {executor for executor, _ in lines}
    ordered = sorted(executors, key=lambda name: (facts.rank(name), name))
    handles = [Line2D([], [], color=facts.color(name), marker="o", label=name) for name in ordered]
    if len(kinds) > 1:
        handles += [
            Line2D([], [], color="grey", ls=LINE_STYLES[i % len(LINE_STYLES)], label=kind)
            for i, kind in enumerate(kinds)
        ]
    fig.legend(handles=handles, loc="outside right center", fontsize=8)  # beside the panels: it never covers data
    about = facts.workload(workload)
    note = " ".join(filter(None, [f"{about['description']}.", not_measured_note(frame, workload)]))
    caption(fig, facts.machine, textwrap.fill(note, 160))
    return fig
