"""A report's ``index.md``: the answer first (the verdict), then the figures, the tables, and what went wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ... import machine_line
from .. import side_by_side
from ..table import Facts
from ..verdict import Verdict, confidence_note, verdicts
from ..wording import speedup_basis
from .catalogue import DUELS_FIGURE, VERDICT_FIGURE, Spec
from .measuring import duels_section, measuring_section
from .run_facts import machine_section, problems_section
from .tables import headline_section, measures_section, memory_section, startup_section


def figures_section(shown: list[tuple[Spec, bool]], frame: pd.DataFrame, facts: Facts) -> list[str]:
    bases = [
        f"{workload}: {basis}"
        for (workload, _), group in frame.groupby(["workload", "params"], sort=False)
        if (basis := speedup_basis(group, facts))
    ]
    lines = ["## Figures", "", f"Speedups: {'; '.join(bases) or 'none'}.", ""]
    for spec, written in shown:
        if spec.name in (VERDICT_FIGURE, DUELS_FIGURE):
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


def _at_a_glance(run: dict[str, Any], frame: pd.DataFrame) -> list[str]:
    """The run's counts (every interpreter's cases, in a run of several), and whether it was interrupted."""
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
    *,
    every: pd.DataFrame | None = None,
) -> str:
    facts = Facts.of(run)
    name = Path(run.get("_path", "run")).stem
    passes = int(frame["passes"].max()) if not frame.empty else 1
    partial = " (partial)" if run["machine_info"].get("bench_run", {}).get("partial") else ""
    found = verdicts(run, frame, facts) if found is None else found
    lines = [
        f"# Report of run {name}{partial}",
        "",
        machine_line.describe(facts.machine),
        "",
        *_at_a_glance(run, frame if every is None else every),
    ]
    lines += verdict_section(found, confidence_note(frame), shown)
    lines += duels_section(facts, shown)
    if interpreters:  # a --python run: the figures and tables below are the first interpreter's
        first = side_by_side.labels(facts)[0]
        lines += [f"Several interpreters ran side by side: the figures and tables below are {first}'s.", ""]
    lines += figures_section(shown, frame, facts) + headline_section(frame, passes, facts)
    lines += measures_section(frame, facts) + memory_section(frame) + startup_section(frame)
    lines += interpreters or []
    lines += measuring_section(frame) + problems_section(run, frame) + machine_section(run)
    return "\n".join(lines)
