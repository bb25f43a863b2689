"""A report's tables: the headline numbers of every case, what workloads measured inside their rounds, and the
memory and start-up each added unit costs."""

from __future__ import annotations

import pandas as pd

from .. import memory
from ..table import Facts, fmt
from ..wording import markdown_table, not_measured_note, short, speedup_basis, speedups


def headline_section(frame: pd.DataFrame, passes: int, facts: Facts) -> list[str]:
    """One table per workload and parameter set, with the speedup's basis marked."""
    pooled = f" (each figure: the median over {passes} passes)" if passes > 1 else ""
    lines = [f"## Headline numbers{pooled}", ""]
    if frame.empty:
        return [*lines, "No finished cases.", ""]
    for (workload, params), group in frame.groupby(["workload", "params"], sort=False):
        basis = speedup_basis(group, facts)
        speedup = speedups(group, facts) if basis else pd.Series(float("nan"), index=group.index)
        header = [
            "executor",
            "workers",
            "median round (s)",
            f"{group['unit'].iloc[0] or 'throughput'}",
            f"speedup ({basis})" if basis else "speedup",
            "vs ideal",
            "eff. cores",
            "latency p50/p99 (ms)",
            "server cores",
            "memory added per unit (KiB)",
            "CV",
            "unstable",
        ]
        rows = [_headline_row(row, ratio) for (_, row), ratio in zip(group.iterrows(), speedup, strict=True)]
        shown = [i for i in range(len(header)) if any(row[i] for row in rows)]  # no all-empty column
        rows = [[row[i] for i in shown] for row in rows]
        about = facts.workload(str(workload))["description"] or params
        lines += [f"### {workload}" + (f": {about}" if about else ""), ""]
        lines += [*markdown_table([header[i] for i in shown], rows), ""]
        if any(pd.notna(row["memory_per_unit"]) and memory.one_unit(row) for _, row in group.iterrows()):
            lines += [ONE_UNIT_NOTE, ""]
    return lines


def _headline_row(row: pd.Series, speedup: float) -> list[str]:
    """One case's cells of the headline table (empty where it has no such figure)."""
    memory_kib = row["memory_per_unit"] / 1024 if pd.notna(row["memory_per_unit"]) else None
    return [
        row["executor"],
        str(row["workers"]),
        fmt(row["median_s"], ".4f"),
        fmt(row["throughput"], ",.0f"),
        fmt(speedup, ".2f", "x"),
        fmt(row["vs_ideal"], ".2f", "x"),
        fmt(row["effective_cores"], ".2f"),
        f"{row['p50']:.1f} / {row['p99']:.1f}" if pd.notna(row["p50"]) else "",
        fmt(row["server_cores"], ".2f"),
        fmt(memory_kib, ",.0f") + ("*" if memory_kib is not None and memory.one_unit(row) else ""),
        fmt(row["cv"], ".1%"),
        "yes" if row["unstable"] else "",
    ]


ONE_UNIT_NOTE = (
    '\\* At one unit, "memory added per unit" is everything the case added to its worker process (imports made in '
    "the first round, buffers, caches), not what one thread, process, greenlet or task costs: for that, see the "
    'per-added-unit slope under "Memory per unit".'
)


def measures_section(frame: pd.DataFrame, facts: Facts) -> list[str]:
    """What the workloads timed inside their rounds (costs per kind, lost updates, latency per busy unit).

    One table per workload, one row per executor, workers and kind, one column per measure: every measure
    the rounds reported, drawn or not (a workload's facts name and order the ones it draws).
    """
    lines: list[str] = []
    for workload, group in frame[frame["measures"].notna()].groupby("workload", sort=False):
        titles = {m["name"]: f"{m['title']} ({m['unit']})" for m in facts.workload(str(workload))["measures"]}
        names = list(titles) + sorted({name for m in group["measures"] for name in m} - set(titles))
        rows = []
        for _, row in group.iterrows():
            kinds = list(dict.fromkeys(kind for name in names for kind in row["measures"].get(name) or {}))
            for kind in kinds:
                cells = [row["measures"].get(name, {}).get(kind) for name in names]
                rows.append(
                    [row["executor"], str(row["workers"]), kind, *("" if v is None else short(v) for v in cells)]
                )
        if not rows:
            continue
        lines += [f"### {workload}: measured inside its rounds (medians over the rounds)", ""]
        lines += [*markdown_table(["executor", "workers", "kind", *(titles.get(n, n) for n in names)], rows), ""]
        note = not_measured_note(frame, str(workload))
        lines += [note, ""] if note else []
    return (["## Measured inside the rounds", "", *lines]) if lines else []


def memory_section(frame: pd.DataFrame) -> list[str]:
    """The memory cost of each model: the slope of the tree's peak PSS against its units.

    A slope leaves out what every worker pays once (imports, the event loop, the pool's machinery).
    """
    rows = []
    for (workload, executor), group in frame.groupby(["workload", "executor"], sort=False):
        slope = memory.added_unit_cost(group)
        if slope is None:
            continue
        cost = f"{slope.per_unit / 1024:,.1f}" if slope.meaningful else "under the noise"
        rows.append([str(workload), str(executor), slope.span, cost])
    if not rows:
        return []
    lines = [
        "## Memory per unit",
        "",
        "Slope of the worker tree's peak proportional memory (PSS) against its units, fitted over the "
        "worker counts run: what each added thread, process, greenlet or task costs, leaving out what the "
        f'process pays once. "Under the noise": the growth it predicts over the units run is negative or under '
        f"{memory.NOISE_BYTES // 1024:,} KiB, which one process's peak varies by with nothing added.",
        "",
    ]
    return [*lines, *markdown_table(["workload", "executor", "units", "KiB per added unit"], rows), ""]


def startup_section(frame: pd.DataFrame) -> list[str]:
    """The start-up cost of each model: the slope of the executor's start time against its units.

    A slope, like memory's: what every start pays once (the forkserver, the pool's threads) is left out.
    """
    rows = []
    for (workload, executor), group in frame.groupby(["workload", "executor"], sort=False):
        slope = memory.startup_slope(group)
        if slope is not None:
            rows.append([str(workload), str(executor), slope.span, f"{slope.per_unit * 1e3:,.2f}"])
    if not rows:
        return []
    lines = [
        "## Start-up per unit",
        "",
        "Slope of the executor's start time (its threads, processes or interpreters, all made and set up before "
        "timing) against its units, fitted over the worker counts run. Greenlets and tasks are made inside each "
        "round, so nothing of theirs starts ahead: their cost is in the rounds.",
        "",
    ]
    return [*lines, *markdown_table(["workload", "executor", "units", "ms per added unit"], rows), ""]
