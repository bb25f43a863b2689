"""What compare prints: the runs and how their machines differ, both tables of figures, and the summary."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import machine_line
from ..stats import CONFIDENCE, RESAMPLES, SEED
from .compare_runs import Loaded
from .compare_table import DRIFT_BASIS, PAIRED_BASIS
from .quantities import NOT_IN, ONE_PASS_MARGIN, QUANTITIES, UNTESTED

#: Machine facts whose difference the header names: they change what a ratio means.
FACTS = (
    "usable_cores",
    "logical_cores",
    "cpu_model",
    "python_version",
    "python_implementation",
    "gil_enabled",
    "free_threaded_build",
)


def differences(runs: list[Loaded]) -> list[str]:
    """``fact: 0001 x, 0002 y`` for each machine fact that is not the same in every run."""
    lines = []
    for fact in FACTS:
        values = [run.facts.get(fact) for run in runs]
        if len({repr(value) for value in values}) > 1:
            lines.append(
                f"{fact}: " + ", ".join(f"{run.label} {value}" for run, value in zip(runs, values, strict=True))
            )
    return lines


def header(runs: list[Loaded]) -> str:
    width = max(len(run.label) for run in runs)
    lines = [f"Comparing {len(runs)} runs, each later run against {runs[0].label} (ratio = later / {runs[0].label}):"]
    for run in runs:
        partial = "  [PARTIAL RUN]" if run.partial else ""
        passes = int(run.cases["passes"].max()) if not run.cases.empty else 0
        lines.append(
            f"  {run.label:<{width}}  {run.path}{partial}\n  {'':<{width}}  {machine_line.describe(run.facts)}; "
            f"{passes} pass{'es' if passes != 1 else ''}"
        )
    differ = differences(runs)
    if differ:
        lines.append("Machines or Pythons differ (ratios then measure the change of machine too):")
        lines += [f"  {line}" for line in differ]
    else:
        lines.append(f"Same {', '.join(FACTS)} in every run.")
    lines.append(
        f"Medians of all rounds (passes pooled). {CONFIDENCE:.0%} CIs: bootstrap over passes, then rounds within "
        f"them ({RESAMPLES} resamples, seed {SEED}). With one pass an interval sees round-to-round noise only, "
        "not process-to-process variation (up to 20% here): then a round-time difference is not called, and a "
        f"paired figure is called changed only beyond a {ONE_PASS_MARGIN:.0%} margin. Use --passes 3 for honest "
        "intervals."
    )
    return "\n".join(lines)


def _shown(row: dict[Any, Any], with_python: bool) -> dict[str, str]:
    """One compared figure as the printed table shows it."""
    quantity = QUANTITIES[str(row["figure"])]
    cells = {"executor": str(row["executor"]), "workers": str(row["workers"])}
    if with_python:
        cells["python"] = str(row["python"])
    low, high = row["ci_low"], row["ci_high"]
    cells.update(
        {
            "figure": quantity.label,
            "pair": str(row["pair"]),
            "first": quantity.shown(row["base_value"], row["base_ci_low"], row["base_ci_high"]),
            "later": quantity.shown(row["other_value"], row["other_ci_low"], row["other_ci_high"]),
            "ratio": "" if pd.isna(row["ratio"]) else f"{row['ratio']:.3f}",
            f"{CONFIDENCE:.0%} CI": "" if pd.isna(low) else f"{low:.3f}-{high:.3f}",
            "verdict": str(row["verdict"]) + (" [unstable]" if row["unstable"] else ""),
        }
    )
    return cells


def text_table(frame: pd.DataFrame, paired: bool) -> str:
    """One of the two printed tables (paired figures, or round times), one block per workload and parameters."""
    chosen = frame[(frame["basis"] == PAIRED_BASIS) == paired]
    with_python = bool(chosen["python"].astype(bool).any()) if not chosen.empty else False
    several = chosen["pair"].nunique() > 1
    blocks = []
    for (workload, params), group in chosen.groupby(["workload", "params"], sort=False):
        shown = pd.DataFrame([_shown(row, with_python) for row in group.to_dict("records")])
        if not several:  # one later run: its label and the first's head the columns
            base, other = str(group["base"].iloc[0]), str(group["other"].iloc[0])
            shown = shown.drop(columns="pair").rename(
                columns={"first": base, "later": other, "ratio": f"{other}/{base}"}
            )
        title = f"{workload} ({params})" if params else str(workload)
        text = shown.apply(lambda column: column.str.ljust(column.str.len().max()))
        lines = [line.rstrip() for line in text.to_string(index=False, justify="left").splitlines()]
        blocks.append("\n".join([title, *lines]))
    return "\n\n".join(blocks)


def report_text(frame: pd.DataFrame) -> str:
    """Both tables, each under a line that says what it can and cannot show."""
    parts = [
        "PAIRED FIGURES (each run's own, immune to the machine's drift within it; first [CI], later [CI]):",
        text_table(frame, paired=True) or "  none",
        "ROUND TIMES (exposed to drift: the runs were made at different times, in whatever speed phase the "
        "machine was in; compare interpreters interleaved in one run with --python instead):",
        text_table(frame, paired=False) or "  none",
    ]
    return "\n\n".join(parts)


def summary(frame: pd.DataFrame) -> str:
    """For each later run: how many figures changed significantly, paired and timed, and how many were not called."""
    lines = []
    for pair, group in frame.groupby("pair", sort=False):
        parts = []
        for basis, words in ((PAIRED_BASIS, "paired figures"), (DRIFT_BASIS, "round times")):
            chosen = group[group["basis"] == basis]
            if chosen.empty:
                continue
            changed = int(chosen["significant"].sum())
            unmatched = int(chosen["verdict"].str.startswith(NOT_IN).sum())
            untested = int(chosen["verdict"].str.startswith(UNTESTED).sum())
            parts.append(
                f"{changed} of {len(chosen) - unmatched} {words} changed significantly"
                + (f" ({untested} not called)" if untested else "")
                + (f"; {unmatched} not in both runs" if unmatched else "")
            )
        lines.append(f"{pair}: " + "; ".join(parts))
    return "\n".join(lines)
