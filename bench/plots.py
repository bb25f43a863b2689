"""The report's figures: one function per PNG, each returning a Figure, or None when the run lacks its data.

They draw on plain ``matplotlib.figure.Figure`` objects, never pyplot: no global
state and no GUI backend (saving a PNG uses Agg), and tests inspect the axes,
lines and titles rather than pixels. Each takes the pooled case frame of
``report.cases`` (one row per case) and the run's machine facts for the caption.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import NullLocator, StrMethodFormatter

from . import machine

EXECUTOR_ORDER = ("sequential", "threads", "processes", "gevent", "asyncio")
COLORS = {
    "sequential": "black",
    "threads": "tab:blue",
    "processes": "tab:orange",
    "gevent": "tab:green",
    "asyncio": "tab:red",
}
CORE_BOUND = ("cpu", "pipeline")  # their ideal speedup is min(workers, usable cores)
CAPTION_IN = 0.45  # inches kept free under the panels for the caption
PAIRED_NOTE = (
    "paired: the median of per-round ratios, each round measured right beside a sequential round; "
    "ratio of medians: sequential median / case median, measured at different times"
)

#: Why a figure is missing from a report (index.md says so).
ABSENT = {
    "scaling": "no workload has both a sequential baseline and other executors to compare with it",
    "cpu_per_core": "no cpu case has per-core samples (no cpu cases, sampling off, or rounds shorter than "
    "the sampling interval)",
    "effective_cores": "no case has effective cores (sampling off, or rounds too short to sample)",
    "http": "the run has no http cases",
    "pipeline": "the run has no pipeline cases",
}

Builder = Callable[[pd.DataFrame, dict[str, Any]], Figure | None]


def executor_rank(executor: str) -> int:
    return EXECUTOR_ORDER.index(executor) if executor in EXECUTOR_ORDER else len(EXECUTOR_ORDER)


def color(executor: str) -> str:
    return COLORS.get(executor, "tab:purple")


def usable_cores(facts: dict[str, Any]) -> int:
    return int(facts.get("usable_cores") or 1)


def by_executor(rows: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """Rows per executor, in the usual executor order, each sorted by workers."""
    names = sorted(rows["executor"].unique(), key=lambda name: (executor_rank(str(name)), str(name)))
    return [(str(name), rows[rows["executor"] == name].sort_values("workers")) for name in names]


def panels(frame: pd.DataFrame, workload: str | None = None) -> list[tuple[str, pd.DataFrame]]:
    """One (title, rows) per workload and parameter set: only equal parameters share a panel."""
    if workload is not None:
        frame = frame[frame["workload"] == workload]
    return [
        (f"{name}\n{textwrap.fill(str(params), 60)}" if params else str(name), group)
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
    fig.suptitle(title, fontweight="bold")
    return fig, axes[:n_panels]


def caption(fig: Figure, facts: dict[str, Any], note: str) -> None:
    fig.text(0.5, 0.01, f"{machine.describe(facts)}\n{note}", ha="center", va="bottom", fontsize=7.5, color="dimgrey")


def legend(ax: Axes) -> None:
    """A legend of what this panel drew, if it drew anything labelled (an empty one is a warning)."""
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7)


def workers_axis(ax: Axes, workers: list[int], base: int = 2) -> None:
    """A log x axis of worker counts, ticked at the counts measured."""
    ax.set_xscale("log", base=base)
    ticks = sorted(set(workers))
    ax.set_xticks(ticks, [str(w) for w in ticks])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("workers (log scale)")
    ax.grid(True, alpha=0.3)


def speedup_basis(group: pd.DataFrame) -> str:
    """How this panel's speedups are known: "paired", "ratio of medians", or "" (not at all)."""
    others = group[group["executor"] != "sequential"]
    if others.empty:
        return ""
    if others["speedup"].notna().all():
        return "paired"
    if ((group["executor"] == "sequential") & (group["workers"] == 1)).any():
        return "ratio of medians"
    return ""


def speedups(group: pd.DataFrame) -> pd.Series:
    if speedup_basis(group) == "paired":
        return group["speedup"].fillna(1.0)
    base = group.loc[(group["executor"] == "sequential") & (group["workers"] == 1), "median_s"].median()
    return base / group["median_s"]


def _ideal_line(ax: Axes, workload: str, group: pd.DataFrame, cores: int) -> None:
    top = int(group["workers"].max())
    if workload in CORE_BOUND:
        xs = np.geomspace(1, max(top, 2), 200)
        ax.plot(xs, np.minimum(xs, cores), ls="--", color="grey", label=f"ideal: min(workers, {cores} cores)")
        ax.axvline(cores, ls=":", color="grey", label=f"{cores} usable cores")
        return
    ideal = group.groupby("workers")["ideal_s"].median().dropna()
    if 1 in ideal.index and len(ideal) > 1:
        ax.plot(ideal.index, ideal[1] / ideal, ls="--", color="grey", label="ideal: no waiting but the latency")


def scaling_figure(frame: pd.DataFrame, facts: dict[str, Any]) -> Figure | None:
    chosen = [(title, group) for title, group in panels(frame) if speedup_basis(group)]
    if not chosen:
        return None
    fig, axes = new_figure(len(chosen), "Speedup against sequential as workers grow (higher is faster)")
    for ax, (title, group) in zip(axes, chosen, strict=True):
        basis = speedup_basis(group)
        scaled = group.assign(speedup=speedups(group))
        for executor, rows in by_executor(scaled):
            ax.plot(rows["workers"], rows["speedup"], marker="o", color=color(executor), label=executor)
        _ideal_line(ax, str(group["workload"].iloc[0]), group, usable_cores(facts))
        workers_axis(ax, list(group["workers"]), base=2 if group["workers"].max() <= 64 else 10)
        ax.set_title(f"{title}\nspeedup: {basis}", fontsize=10)
        ax.set_ylabel("speedup vs sequential (x)")
        legend(ax)
    caption(fig, facts, PAIRED_NOTE)
    return fig


def cpu_per_core_figure(frame: pd.DataFrame, facts: dict[str, Any]) -> Figure | None:
    cpu = frame[(frame["workload"] == "cpu") & frame["timeline"].notna()]
    if cpu.empty:
        return None
    top = cpu[cpu["workers"] == cpu["workers"].max()]
    top = top[top["params"] == top["params"].iloc[0]]
    workers = int(top["workers"].iloc[0])
    if workers != 1:  # sequential at 1 worker on top, for reference
        top = pd.concat([cpu[(cpu["executor"] == "sequential") & (cpu["params"] == top["params"].iloc[0])], top])
    shown = by_executor(top)
    cores = max(len(timeline["per_core_pct"][0]) for timeline in top["timeline"])
    fig, axes = new_figure(
        len(shown),
        f"CPU busy per core, cpu workload at {workers} workers: the GIL picture",
        ncols=1,
        size=(9.0, 0.9 + 0.25 * min(cores, 32)),
        sharex=True,
    )
    mesh = None
    for ax, (executor, rows) in zip(axes, shown, strict=True):
        row = rows.iloc[0]
        mesh = _heatmap(ax, row["timeline"])
        effective = row["effective_cores"]
        at = f"{row['workers']} worker" + ("s" if row["workers"] != 1 else "")
        ax.set_title(f"{executor} ({at}): effective cores {effective:.2f}", fontsize=10, loc="left")
        ax.set_ylabel("core")
    axes[-1].set_xlabel("measured time (s; the measured rounds back to back)")
    if mesh is not None:
        fig.colorbar(mesh, ax=axes, label="CPU busy (%)", shrink=0.9)
    caption(
        fig,
        facts,
        "Per-core CPU % of the whole machine, sampled by psutil from outside the worker. Under "
        "the GIL threads add up to about one core; processes use every core.",
    )
    return fig


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


def effective_cores_figure(frame: pd.DataFrame, facts: dict[str, Any]) -> Figure | None:
    chosen = [(title, group.dropna(subset=["effective_cores"])) for title, group in panels(frame)]
    chosen = [(title, group) for title, group in chosen if not group.empty]
    if not chosen:
        return None
    cores = usable_cores(facts)
    fig, axes = new_figure(len(chosen), "Effective cores: CPU seconds of the worker's processes per wall second")
    for ax, (title, group) in zip(axes, chosen, strict=True):
        workers = sorted(int(w) for w in group["workers"].unique())
        executors = by_executor(group)
        width = 0.8 / len(executors)
        for k, (executor, rows) in enumerate(executors):
            offset = (k - (len(executors) - 1) / 2) * width
            xs = [workers.index(int(w)) + offset for w in rows["workers"]]
            ax.bar(xs, rows["effective_cores"], width, color=color(executor), label=executor)
        ax.axhline(cores, ls="--", color="grey", label=f"{cores} usable cores")
        ax.set_xticks(range(len(workers)), [str(w) for w in workers])
        ax.set(title=title, xlabel="workers", ylabel="effective cores")
        legend(ax)
    caption(
        fig,
        facts,
        "Effective cores = CPU time of the worker's process tree / wall time, over the measured "
        "rounds. Under the GIL, threads stay near 1.",
    )
    return fig


def _lines(ax: Axes, rows: pd.DataFrame, column: str, hidden: bool = False, **style: Any) -> None:
    """One line per executor (and parameter set); ``hidden`` lines stay out of the legend."""
    many = rows["params"].nunique() > 1
    for executor, by in by_executor(rows.dropna(subset=[column])):
        for params, line in by.groupby("params", sort=True):
            label = f"{executor} ({params})" if many else executor
            label = f"_{label} {column}" if hidden else label
            ax.plot(line["workers"], line[column], marker="o", color=color(executor), label=label, **style)


def http_figure(frame: pd.DataFrame, facts: dict[str, Any]) -> Figure | None:
    http = frame[frame["workload"] == "http"]
    if http[["throughput", "vs_ideal"]].isna().all(axis=None):
        return None
    latency = http["p50"].notna().any()
    fig, axes = new_figure(3 if latency else 2, "HTTP: throughput and time against the ideal, by concurrency")
    workers = [int(w) for w in http["workers"]]
    _lines(axes[0], http, "throughput")
    axes[0].yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    axes[0].set(title="Throughput (higher is better)", ylabel=f"{http['unit'].iloc[0] or 'requests/s'}")
    _lines(axes[1], http, "vs_ideal")
    axes[1].axhline(1.0, ls="--", color="grey", label="ideal")
    axes[1].set(title="Measured / ideal time (1 = ideal, lower is better)", ylabel="measured / ideal (x)")
    if latency:
        _lines(axes[2], http, "p50")
        _lines(axes[2], http, "p99", hidden=True, ls="--", alpha=0.6)
        axes[2].set(title="Request latency: p50 solid, p99 dashed", ylabel="latency (ms)")
    for ax in axes:
        workers_axis(ax, workers, base=10)
        ax.set_xlabel("concurrency = workers (log scale)")
        legend(ax)
    caption(fig, facts, "Ideal time = ceil(requests / concurrency) x server latency. Medians of the rounds.")
    return fig


def pipeline_figure(frame: pd.DataFrame, facts: dict[str, Any]) -> Figure | None:
    chosen = [(title, group.dropna(subset=["throughput"])) for title, group in panels(frame, "pipeline")]
    chosen = [(title, group) for title, group in chosen if not group.empty]
    if not chosen:
        return None
    fig, axes = new_figure(len(chosen), "Pipeline: items through the producer/consumer queue per second")
    for ax, (title, group) in zip(axes, chosen, strict=True):
        for executor, rows in by_executor(group):
            if executor == "sequential" and rows["workers"].nunique() == 1:
                ax.axhline(rows["throughput"].iloc[0], ls="--", color=color(executor), label="sequential (1 worker)")
            else:
                ax.plot(rows["workers"], rows["throughput"], marker="o", color=color(executor), label=executor)
        workers_axis(ax, [int(w) for w in group["workers"]])
        ax.set(title=title, ylabel=str(group["unit"].iloc[0] or "items/s"))
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        legend(ax)
    caption(fig, facts, "Median round of each case; workers = producers = consumers unless set.")
    return fig


FIGURES: dict[str, Builder] = {
    "scaling": scaling_figure,
    "cpu_per_core": cpu_per_core_figure,
    "effective_cores": effective_cores_figure,
    "http": http_figure,
    "pipeline": pipeline_figure,
}
