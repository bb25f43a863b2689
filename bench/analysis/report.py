"""``reports/<run>/``: the PNGs of one saved run and an ``index.md`` that reads on its own.

Every case's passes are pooled first (``table.cases``): the figures and the table show
the median over passes of each per-pass figure (median of medians), so a run of
several passes draws one point per case. A figure whose data the run lacks is not
written, and the page says why; a partial run, a failed case or a skipped one is
shown, never a reason to crash. pandas and matplotlib are imported here and in
``plots`` only: the harness and its workers start without them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from .. import machine, results
from ..errors import UserError
from . import memory, side_by_side
from .plots import Spec, not_measured_note, short, specs, speedup_basis, speedups
from .table import Facts, cases, fmt
from .verdict import Verdict, confidence_note, verdicts

VERDICT_FIGURE = "verdict"  # the spec drawn inside the verdict section, not among the other figures

# ---- index.md -------------------------------------------------------------------------------------------------


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]


def _joined(mapping: dict[str, Any], *keys: str, sep: str = " / ") -> str:
    return sep.join(str(mapping.get(key, "?")) for key in keys)


def machine_section(run: dict[str, Any]) -> list[str]:
    facts = run["machine_info"].get("bench", {})
    bench_run = run["machine_info"].get("bench_run", {})
    config = bench_run.get("config", {})
    packages = ", ".join(f"{name} {version}" for name, version in (facts.get("packages") or {}).items())
    rows = [
        ["Python", _joined(facts, "python_implementation", "python_version", sep=" ")],
        ["GIL enabled", _joined(facts, "gil_enabled")],
        ["free-threaded build", _joined(facts, "free_threaded_build")],
        ["cores (logical / physical / usable)", _joined(facts, "logical_cores", "physical_cores", "usable_cores")],
        ["CPU", _joined(facts, "cpu_model")],
        ["multiprocessing start method", _joined(facts, "mp_start_method")],
        ["harness / result format", _joined(facts, "harness_version", "format_version")],
        ["packages", packages],
        ["rounds / warm-up / passes", _joined(config, "rounds", "warmup", "passes")],
        ["started", str(bench_run.get("started", run.get("datetime", "?")))],
    ]
    return ["## Machine and run", "", *_table(["fact", "value"], rows), ""]


def problems_section(run: dict[str, Any], frame: pd.DataFrame) -> list[str]:
    """Partial run, failed, skipped and unstable cases: what a reader must know before trusting a figure."""
    bench_run = run["machine_info"].get("bench_run", {})
    lines = ["## Partial run, failed, skipped and unstable cases", ""]
    if bench_run.get("partial"):
        lines += ["**This run is partial**: it was interrupted, and holds only the cases finished before that.", ""]
    failed = bench_run.get("failed") or []
    lines += [f"Failed cases: {len(failed)}" + (":\n" if failed else ".")]
    for case in failed:
        error = case.get("error") or {}
        message = (str(error.get("message") or "").splitlines() or [""])[0]
        lines.append(f"- `{case.get('name', '?')}`: {error.get('type', 'Error')}: {message}")
    skipped = bench_run.get("skipped") or []
    by_reason: dict[str, list[str]] = {}
    for case in skipped:
        by_reason.setdefault(str(case.get("reason", "")), []).append(f"`{case.get('name', '?')}`")
    lines += ["", f"Skipped cases: {len(skipped)}" + (":\n" if skipped else ".")]
    lines += [f"- {reason}: {', '.join(names)}" for reason, names in by_reason.items()]
    unstable = frame[frame["unstable"].map(bool)] if not frame.empty else frame
    lines += [
        "",
        f"Unstable cases (their figures deserve less trust): {len(unstable)}" + (":\n" if len(unstable) else "."),
    ]
    lines += [f"- {case_label(row)}: {'; '.join(row['unstable'])}" for _, row in unstable.iterrows()]
    return [*lines, ""]


def case_label(row: pd.Series) -> str:
    return f"{row['workload']} {row['executor']} w{row['workers']}"


def figures_section(shown: list[tuple[Spec, bool]], frame: pd.DataFrame, facts: Facts) -> list[str]:
    bases = [
        f"{workload}: {basis}"
        for (workload, _), group in frame.groupby(["workload", "params"], sort=False)
        if (basis := speedup_basis(group, facts))
    ]
    lines = ["## Figures", "", f"Speedups: {'; '.join(bases) or 'none'}.", ""]
    for spec, written in shown:
        if spec.name == VERDICT_FIGURE:
            continue
        lines += [f"### {spec.heading}", "", spec.note, ""]
        lines += [f"![{spec.heading}]({spec.name}.png)" if written else f"Not written: {spec.absent}.", ""]
    return lines


def verdict_section(found: list[Verdict], note: str, shown: list[tuple[Spec, bool]]) -> list[str]:
    """The answer first: one paragraph per workload, then the picture of it."""
    lines = ["## Verdict", ""]
    if not found:
        return [*lines, "No finished cases: no verdict.", ""]
    for one in found:
        about = f" ({one.description})" if one.description else ""
        lines.append(f"- **{one.label}**{about}: {one.text}")
    lines += ["", note, ""]
    for spec, written in shown:
        if spec.name == VERDICT_FIGURE and written:
            lines += [f"![{spec.heading}]({spec.name}.png)", ""]
    return lines


def headline_section(frame: pd.DataFrame, passes: int, facts: Facts) -> list[str]:
    """One table per workload and parameter set, with the speedup's basis marked."""
    pooled = f" (each figure: the median over {passes} passes)" if passes > 1 else ""
    lines = [f"## Headline numbers{pooled}", ""]
    if frame.empty:
        return [*lines, "No finished cases.", ""]
    for (workload, params), group in frame.groupby(["workload", "params"], sort=False):
        basis = speedup_basis(group, facts)
        speedup = speedups(group, facts) if basis else pd.Series(float("nan"), index=group.index)
        mark = {"paired": " (paired)", "ratio of medians": " (ratio of medians)"}.get(basis, "")
        header = [
            "executor",
            "workers",
            "median round (s)",
            f"{group['unit'].iloc[0] or 'throughput'}",
            f"speedup{mark}",
            "vs ideal",
            "eff. cores",
            "latency p50/p99 (ms)",
            "server cores",
            "memory added per unit (KiB)",
            "CV",
            "unstable",
        ]
        rows = [
            [
                row["executor"],
                str(row["workers"]),
                fmt(row["median_s"], ".4f"),
                fmt(row["throughput"], ",.0f"),
                fmt(ratio, ".2f", "x"),
                fmt(row["vs_ideal"], ".2f", "x"),
                fmt(row["effective_cores"], ".2f"),
                f"{row['p50']:.1f} / {row['p99']:.1f}" if pd.notna(row["p50"]) else "",
                fmt(row["server_cores"], ".2f"),
                fmt(row["memory_per_unit"] / 1024 if pd.notna(row["memory_per_unit"]) else None, ",.0f")
                + ("*" if pd.notna(row["memory_per_unit"]) and memory.one_unit(row) else ""),
                fmt(row["cv"], ".1%"),
                "yes" if row["unstable"] else "",
            ]
            for (_, row), ratio in zip(group.iterrows(), speedup, strict=True)
        ]
        shown = [i for i in range(len(header)) if any(row[i] for row in rows)]  # no all-empty column
        rows = [[row[i] for i in shown] for row in rows]
        about = facts.workload(str(workload))["description"] or params
        lines += [f"### {workload}" + (f": {about}" if about else ""), ""]
        lines += [*_table([header[i] for i in shown], rows), ""]
        if any(pd.notna(row["memory_per_unit"]) and memory.one_unit(row) for _, row in group.iterrows()):
            lines += [ONE_UNIT_NOTE, ""]
    return lines


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
        lines += [*_table(["executor", "workers", "kind", *(titles.get(n, n) for n in names)], rows), ""]
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
    return [*lines, *_table(["workload", "executor", "units", "KiB per added unit"], rows), ""]


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
    return [*lines, *_table(["workload", "executor", "units", "ms per added unit"], rows), ""]


def _at_a_glance(run: dict[str, Any], frame: pd.DataFrame) -> list[str]:
    bench_run = run["machine_info"].get("bench_run", {})
    unstable = int(frame["unstable"].map(bool).sum()) if not frame.empty else 0
    counts = (
        f"{len(frame)} cases measured, {len(bench_run.get('failed') or [])} failed, "
        f"{len(bench_run.get('skipped') or [])} skipped, {unstable} unstable (listed below)."
    )
    partial = ["**Partial run**: interrupted before the end; only the cases finished by then are here.", ""]
    return (partial if bench_run.get("partial") else []) + [counts, ""]


def index_markdown(
    run: dict[str, Any],
    frame: pd.DataFrame,
    shown: list[tuple[Spec, bool]],
    found: list[Verdict] | None = None,
    interpreters: list[str] | None = None,
) -> str:
    facts = Facts.of(run)
    name = Path(run.get("_path", "run")).stem
    passes = int(frame["passes"].max()) if not frame.empty else 1
    partial = " (partial)" if run["machine_info"].get("bench_run", {}).get("partial") else ""
    found = verdicts(run, frame, facts) if found is None else found
    lines = [f"# Report of run {name}{partial}", "", machine.describe(facts.machine), "", *_at_a_glance(run, frame)]
    lines += verdict_section(found, confidence_note(frame), shown)
    if interpreters:  # a --python run: the figures and tables below are the first interpreter's
        first = side_by_side.labels(facts)[0]
        lines += [f"Several interpreters ran side by side: the figures and tables below are {first}'s.", ""]
    lines += figures_section(shown, frame, facts) + headline_section(frame, passes, facts)
    lines += measures_section(frame, facts) + memory_section(frame) + startup_section(frame)
    lines += interpreters or []
    lines += problems_section(run, frame) + machine_section(run)
    return "\n".join(lines)


def write_report(run_path: Path, out_root: Path) -> Path:
    """Write ``out_root/<run file stem>/`` (PNGs and index.md) for the run at ``run_path``; return the folder."""
    run = results.load_run(run_path)
    facts = Facts.of(run)
    every = cases(run, facts)
    frame = side_by_side.reference_cases(every, facts)  # a --python run: interpreters have their own section
    found = verdicts(run, every, facts)  # one verdict per interpreter where there are several
    figures = [(spec, spec.build()) for spec in specs(frame, facts, found, confidence_note(frame))]
    interpreters = side_by_side.section(run, every, facts)
    compared = side_by_side.figure(every, facts)
    folder = out_root / run_path.stem
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()  # a figure from an earlier report of this run would mislead
        for spec, figure in figures:
            if figure is not None:
                figure.savefig(folder / f"{spec.name}.png", dpi=110)
        if compared is not None:
            compared.savefig(folder / "interpreters.png", dpi=110)
        shown = [(spec, figure is not None) for spec, figure in figures]
        (folder / "index.md").write_text(index_markdown(run, frame, shown, found, interpreters))
    except OSError as exc:
        raise UserError(f"cannot write the report under {out_root}: {exc.strerror or exc}") from None
    return folder
