"""Figures of timed workloads: speedup and effective cores against workers, throughput, time against the ideal.

Each takes the pooled case frame of ``table.cases`` (one row per case) and the run's ``Facts``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import StrMethodFormatter

from ... import BASELINE
from ..table import Facts, by_executor
from ..wording import speedup_basis, speedups
from .kit import TITLE_PT, caption, fit, legend, new_figure, panels, workers_axis

PAIRED_NOTE = (
    "paired: the median of per-round ratios, each round measured right beside a sequential round; "
    "ratio of medians: sequential median / case median, measured at different times"
)


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
        _ideal_line(ax, facts.workload(str(group["workload"].iloc[0])), group, facts.usable_cores)
        workers_axis(ax, list(group["workers"]), base=2 if group["workers"].max() <= 64 else 10)
        ax.set_title(f"{title}\nspeedup: {basis}", fontsize=TITLE_PT)
        ax.set_ylabel("speedup vs sequential (x)")
    legend(fig, axes)
    caption(fig, facts.machine, PAIRED_NOTE)
    return fig


def effective_cores_figure(frame: pd.DataFrame, facts: Facts) -> Figure | None:
    chosen = [(title, group.dropna(subset=["effective_cores"])) for title, group in panels(frame, facts)]
    chosen = [(title, group) for title, group in chosen if not group.empty]
    if not chosen:
        return None
    cores = facts.usable_cores
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
        facts.machine,
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
    caption(fig, facts.machine, f"{about['description']}. Ideal time = {about['ideal']}. Medians of the rounds.")
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
    caption(fig, facts.machine, "Median round of each case.")
    return fig
