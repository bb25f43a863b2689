"""The report's figures: one function per kind of PNG, each returning a Figure, or None when the run lacks its data.

They draw on plain ``matplotlib.figure.Figure`` objects, never pyplot: no global
state and no GUI backend (saving a PNG uses Agg), and tests inspect the axes,
lines and titles rather than pixels. Each takes the pooled case frame of
``table.cases`` (one row per case) and the run's ``Facts``: which workload is
drawn how comes from the workloads' own facts (``figure``, ``heatmap``,
``judged_by``), and each executor's colour and place from the executors'.
``specs`` lists the figures of a run.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.ticker import NullLocator, StrMethodFormatter

from .. import BASELINE, machine
from .table import Facts, by_executor
from .verdict import Verdict

CAPTION_IN = 0.45  # inches kept free under the panels for a caption of two lines (more lines: the figure grows)
LOG_SPAN = 20  # a verdict panel whose values span more than this factor is drawn on a log axis
TITLE_PT = 10  # a panel's title
CHAR_EM = 0.62  # a character's mean width in ems (DejaVu Sans; digits and "_" are wide): how many fit a line
PAIRED_NOTE = (
    "paired: the median of per-round ratios, each round measured right beside a sequential round; "
    "ratio of medians: sequential median / case median, measured at different times"
)

Builder = Callable[[pd.DataFrame, Facts], Figure | None]


def usable_cores(facts: Facts) -> int:
    return facts.usable_cores


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


def caption(fig: Figure, facts: Facts, note: str, fontsize: float = 7.5) -> None:
    """The machine and a note under the panels, wrapped to the figure's width; the figure grows to hold it."""
    text = fit(f"{machine.describe(facts.machine)}\n{note}", fig.get_figwidth() * 0.95, fontsize)
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


def speedup_basis(group: pd.DataFrame, facts: Facts) -> str:
    """How this panel's speedups are known: "paired", "ratio of medians", or "" (not at all, or not its measure).

    Only a workload judged by a paired speedup gets one: one judged against an ideal time is shown that way.
    """
    others = group[group["executor"] != BASELINE]
    if others.empty or facts.workload(str(group["workload"].iloc[0]))["judged_by"] != "paired":
        return ""
    if others["speedup"].notna().all():
        return "paired"
    if ((group["executor"] == BASELINE) & (group["workers"] == 1)).any():
        return "ratio of medians"
    return ""


def speedups(group: pd.DataFrame, facts: Facts) -> pd.Series:
    if speedup_basis(group, facts) == "paired":
        return group["speedup"].fillna(1.0)
    base = group.loc[(group["executor"] == BASELINE) & (group["workers"] == 1), "median_s"].median()
    return base / group["median_s"]


def _ideal_line(ax: Axes, workload: dict[str, Any], group: pd.DataFrame, cores: int) -> None:
    top = int(group["workers"].max())
    if workload["core_bound"]:
        xs = np.geomspace(1, max(top, 2), 200)
        ax.plot(xs, np.minimum(xs, cores), ls="--", color="grey", label=f"ideal: min(workers, {cores} cores)")
        ax.axvline(cores, ls=":", color="grey", label=f"{cores} usable cores")
        return
    ideal = group.groupby("workers")["ideal_s"].median().dropna()
    if 1 in ideal.index and len(ideal) > 1:
        ax.plot(ideal.index, ideal[1] / ideal, ls="--", color="grey", label="ideal: no waiting but the latency")


def scaling_figure(frame: pd.DataFrame, facts: Facts) -> Figure | None:
    chosen = [(title, group) for title, group in panels(frame, facts) if speedup_basis(group, facts)]
    if not chosen:
        return None
    fig, axes = new_figure(len(chosen), "Speedup against sequential as workers grow (higher is faster)")
    for ax, (title, group) in zip(axes, chosen, strict=True):
        basis = speedup_basis(group, facts)
        scaled = group.assign(speedup=speedups(group, facts))
        for executor, rows in by_executor(scaled, facts):
            ax.plot(rows["workers"], rows["speedup"], marker="o", color=facts.color(executor), label=executor)
        _ideal_line(ax, facts.workload(str(group["workload"].iloc[0])), group, usable_cores(facts))
        workers_axis(ax, list(group["workers"]), base=2 if group["workers"].max() <= 64 else 10)
        ax.set_title(f"{title}\nspeedup: {basis}", fontsize=TITLE_PT)
        ax.set_ylabel("speedup vs sequential (x)")
    legend(fig, axes)
    caption(fig, facts, PAIRED_NOTE)
    return fig


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
        facts,
        "Per-core CPU % of the whole machine, sampled by psutil from outside the worker. Over each panel: the "
        "case's speedup against sequential, its effective cores (CPU seconds of its processes per wall second), "
        "and how busy the cores were at each moment.",
    )
    return fig


MOVES = 0.1  # the busiest core changes between this share of consecutive samples, or more: it moves around


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


def effective_cores_figure(frame: pd.DataFrame, facts: Facts) -> Figure | None:
    chosen = [(title, group.dropna(subset=["effective_cores"])) for title, group in panels(frame, facts)]
    chosen = [(title, group) for title, group in chosen if not group.empty]
    if not chosen:
        return None
    cores = usable_cores(facts)
    fig, axes = new_figure(len(chosen), "Effective cores: CPU seconds of the worker's processes per wall second")
    for ax, (title, group) in zip(axes, chosen, strict=True):
        workers = sorted(int(w) for w in group["workers"].unique())
        executors = by_executor(group, facts)
        width = 0.8 / len(executors)
        for k, (executor, rows) in enumerate(executors):
            offset = (k - (len(executors) - 1) / 2) * width
            xs = [workers.index(int(w)) + offset for w in rows["workers"]]
            ax.bar(xs, rows["effective_cores"], width, color=facts.color(executor), label=executor)
        ax.axhline(cores, ls="--", color="grey", label=f"{cores} usable cores")
        ax.set_xticks(range(len(workers)), [str(w) for w in workers])
        ax.set_title(title, fontsize=TITLE_PT)
        ax.set(xlabel="workers", ylabel="effective cores")
    legend(fig, axes)
    caption(
        fig,
        facts,
        "Effective cores = CPU time of the worker's process tree / wall time, over the measured "
        "rounds. Under the GIL, threads stay near 1.",
    )
    return fig


def _lines(ax: Axes, rows: pd.DataFrame, column: str, facts: Facts, hidden: bool = False, **style: Any) -> None:
    """One line per executor (and parameter set); ``hidden`` lines stay out of the legend."""
    many = rows["params"].nunique() > 1
    for executor, by in by_executor(rows.dropna(subset=[column]), facts):
        for params, line in by.groupby("params", sort=True):
            label = f"{executor} ({params})" if many else executor
            label = f"_{label} {column}" if hidden else label
            ax.plot(line["workers"], line[column], marker="o", color=facts.color(executor), label=label, **style)


def against_ideal_figure(frame: pd.DataFrame, facts: Facts, workload: str) -> Figure | None:
    """Throughput, time over the ideal and latency of ``workload`` against its concurrency."""
    http = frame[frame["workload"] == workload]
    if http.empty or http[["throughput", "vs_ideal"]].isna().all(axis=None):
        return None
    latency = http["p50"].notna().any()
    fig, axes = new_figure(3 if latency else 2, f"{workload}: throughput and time against the ideal, by concurrency")
    workers = [int(w) for w in http["workers"]]
    _lines(axes[0], http, "throughput", facts)
    axes[0].yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    axes[0].set_title("Throughput (higher is better)", fontsize=TITLE_PT)
    axes[0].set_ylabel(f"{http['unit'].iloc[0] or 'requests/s'}")
    _lines(axes[1], http, "vs_ideal", facts)
    axes[1].axhline(1.0, ls="--", color="grey", label="ideal")
    axes[1].set_title(fit("Measured / ideal time (1 = ideal, lower is better)", 4.0, TITLE_PT), fontsize=TITLE_PT)
    axes[1].set_ylabel("measured / ideal (x)")
    if latency:
        _lines(axes[2], http, "p50", facts)
        _lines(axes[2], http, "p99", facts, hidden=True, ls="--", alpha=0.6)
        axes[2].set_title("Request latency: p50 solid, p99 dashed", fontsize=TITLE_PT)
        axes[2].set_ylabel("latency (ms)")
    for ax in axes:
        workers_axis(ax, workers, base=10)
        ax.set_xlabel("concurrency = workers (log scale)")
    legend(fig, axes)
    about = facts.workload(workload)
    caption(fig, facts, f"{about['description']}. Ideal time = {about['ideal']}. Medians of the rounds.")
    return fig


def throughput_figure(frame: pd.DataFrame, facts: Facts, workload: str) -> Figure | None:
    """Throughput of ``workload`` against workers."""
    chosen = [(title, group.dropna(subset=["throughput"])) for title, group in panels(frame, facts, workload)]
    chosen = [(title, group) for title, group in chosen if not group.empty]
    if not chosen:
        return None
    unit = str(chosen[0][1]["unit"].iloc[0] or "per second")
    fig, axes = new_figure(len(chosen), f"{workload}: throughput ({unit}) as workers grow (higher is better)")
    for ax, (title, group) in zip(axes, chosen, strict=True):
        for executor, rows in by_executor(group, facts):
            if executor == BASELINE and rows["workers"].nunique() == 1:
                label = f"{BASELINE} (1 worker)"
                ax.axhline(rows["throughput"].iloc[0], ls="--", color=facts.color(executor), label=label)
            else:
                ax.plot(rows["workers"], rows["throughput"], marker="o", color=facts.color(executor), label=executor)
        workers_axis(ax, [int(w) for w in group["workers"]])
        ax.set_title(title, fontsize=TITLE_PT)
        ax.set_ylabel(unit)
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    legend(fig, axes)
    caption(fig, facts, "Median round of each case.")
    return fig


def verdict_figure(found: list[Verdict], facts: Facts, note: str) -> Figure | None:
    """Per workload, each executor's best result with its interval, the winner marked: the verdict at a glance."""
    drawn = [one for one in found if one.best]
    if not drawn:
        return None
    rows = max(len(one.best) for one in drawn)
    fig, axes = new_figure(
        len(drawn), "The verdict: each model's best result, with its 95% interval", size=(5.2, 1.4 + 0.45 * rows)
    )
    for ax, one in zip(axes, drawn, strict=True):
        best = sorted(one.best, key=lambda b: (facts.rank(b.executor), b.executor))
        alone = len(one.winners) == 1
        for y, item in enumerate(best):
            estimate = item.estimate
            won = alone and item.executor in one.winners
            error = [[estimate.value - estimate.low], [estimate.high - estimate.value]]
            ax.errorbar(
                estimate.value,
                y,
                xerr=None if item.baseline else error,
                fmt="D" if won else "o",
                markersize=9 if won else 6,
                markeredgecolor="black" if won else facts.color(item.executor),
                color=facts.color(item.executor),
                capsize=3,
            )
            ax.annotate(
                f"{estimate.value:.2f}x" if "(x)" in one.measure else f"{estimate.value:,.3g}",
                (estimate.value, y),
                xytext=(0, 7),
                textcoords="offset points",
                ha="center",
                fontsize=7.5,
            )
        mark = "  (winner)" if alone else "  (tied)"
        labels = [f"{b.executor} @{b.workers}" + (mark if b.executor in one.winners else "") for b in best]
        ax.set_yticks(range(len(best)), labels)
        for tick, item in zip(ax.get_yticklabels(), best, strict=True):
            if item.executor in one.winners:
                tick.set_fontweight("bold")
        ax.set_ylim(len(best) - 0.4, -0.7)  # the first executor on top
        if "(x)" in one.measure:
            ax.axvline(1.0, ls="--", color="grey", lw=1)
        values = [b.estimate.value for b in best]
        if min(values) > 0 and max(values) / min(values) > LOG_SPAN:  # costs spanning orders of magnitude
            ax.set_xscale("log")
        verdict_words = f"winner: {one.winners[0]}" if alone else "no clear winner"
        better = "higher is better" if one.higher_is_better else "lower is better"
        ax.set_title(fit(f"{one.label}: {verdict_words}\n{one.description}", 2.8, 9), fontsize=9)
        ax.set_xlabel(fit(f"{one.measure}, {better}", 3.2, 9), fontsize=9)
        ax.grid(True, axis="x", alpha=0.3)
        ax.margins(x=0.15)
    caption(fig, facts, f"Diamond: the clear winner; (tied): intervals overlap; @N: at N workers. {note}")
    return fig


# --- What a workload timed inside its rounds (``measures``): costs per kind, and figures against workers ---

LINE_STYLES = ("-", "--", ":", "-.")


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


def short(value: float) -> str:
    """A cost in three significant digits, thousands grouped: 0.0279, 4.46, 1,230."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def not_measured_note(frame: pd.DataFrame, workload: str) -> str:
    """What some executor could not measure, and why, in one line for a caption."""
    rows = frame[frame["workload"] == workload]
    notes = sorted(
        {
            f"{row['executor']}: {kind} ({why})"
            for _, row in rows.iterrows()
            for kind, why in row["not_measured"].items()
        }
    )
    return ("Not measured: " + "; ".join(notes) + ".") if notes else ""


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
    caption(fig, facts, textwrap.fill(note, 160))
    return fig


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
    for ax, (measure, rows) in zip(axes, measures, strict=True):
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
        ax.set_title(measure_title(measure), fontsize=10)
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
    caption(fig, facts, textwrap.fill(note, 160))
    return fig


#: The figure builder of each ``figure`` kind that draws one workload (scaling and heatmaps are drawn apart).
WORKLOAD_FIGURES: dict[str, tuple[str, str, Callable[[pd.DataFrame, Facts, str], Figure | None]]] = {
    "costs": ("what one operation costs, per kind", "Each dot: the median over the rounds.", costs_figure),
    "by_workers": ("against workers", "Each point: the median over the rounds.", by_workers_figure),
}


@dataclass(frozen=True)
class Spec:
    """One figure of a report: its file name, heading and note, and how to build it (None: no data)."""

    name: str
    heading: str
    note: str
    build: Callable[[], Figure | None]
    absent: str  # why it is not drawn, when it is not


def slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "workload"


def specs(frame: pd.DataFrame, facts: Facts, verdicts: list[Verdict] | None = None, note: str = "") -> list[Spec]:
    """The figures of a run, in reading order (the verdict first, when given), from what its workloads say."""
    names = list(dict.fromkeys(str(name) for name in frame["workload"])) if not frame.empty else []
    found = []
    if verdicts is not None:
        found.append(
            Spec(
                "verdict",
                "The verdict at a glance",
                "Per workload, each executor's best result with its interval; the winner is marked, and no "
                "winner is marked where intervals overlap.",
                lambda: verdict_figure(verdicts, facts, note),
                "no workload has a result to compare",
            )
        )
    found.append(
        Spec(
            "scaling",
            "Scaling: speedup against sequential",
            "*paired* = the median of per-round ratios, each round measured right beside a sequential round; "
            "*ratio of medians* = sequential median / case median, measured at different times.",
            lambda: scaling_figure(frame, facts),
            "no workload has both a sequential baseline and other executors to compare with it",
        )
    )
    for name in names:
        if facts.workload(name)["heatmap"]:
            found.append(
                Spec(
                    f"cpu_per_core-{slug(name)}",
                    f"CPU per core, {name}: the GIL picture",
                    f"Per-core CPU % (whole machine) during the measured rounds of {name} at its largest worker "
                    "count. Under the GIL, threads running Python code add up to about one core; processes use "
                    "every core.",
                    lambda name=name: cpu_per_core_figure(frame, facts, name),  # type: ignore[misc]
                    f"no {name} case has per-core samples (sampling off, or rounds shorter than the interval)",
                )
            )
    found.append(
        Spec(
            "effective_cores",
            "Effective cores",
            "CPU seconds of the worker's process tree per wall second.",
            lambda: effective_cores_figure(frame, facts),
            "no case has effective cores (sampling off, or rounds too short to sample)",
        )
    )
    for name in names:
        kind = facts.workload(name)["figure"]
        if kind == "against_ideal":
            found.append(
                Spec(
                    slug(name),
                    f"{name}: throughput and time against the ideal",
                    f"{facts.workload(name)['unit'] or 'Throughput'}, measured time over the ideal "
                    f"({facts.workload(name)['ideal']}), and latency.",
                    lambda name=name: against_ideal_figure(frame, facts, name),  # type: ignore[misc]
                    f"no {name} case has a throughput or an ideal time",
                )
            )
        elif kind in WORKLOAD_FIGURES:
            heading, note, builder = WORKLOAD_FIGURES[kind]
            found.append(
                Spec(
                    slug(name),
                    f"{name}: {heading}",
                    f"{facts.workload(name)['summary']} {note}",
                    lambda name=name, builder=builder: builder(frame, facts, name),  # type: ignore[misc]
                    f"no {name} case measured anything",
                )
            )
        elif kind == "throughput":
            found.append(
                Spec(
                    slug(name),
                    f"{name}: throughput",
                    f"{facts.workload(name)['unit'] or 'Throughput'} as workers grow.",
                    lambda name=name: throughput_figure(frame, facts, name),  # type: ignore[misc]
                    f"no {name} case has a throughput",
                )
            )
    return found
