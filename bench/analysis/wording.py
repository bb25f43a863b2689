"""What the report's page and its figures both say: how a panel's speedups are known, numbers, notes, tables.

A figure and the table under it must never disagree on which speedup they show
or how a cost is rounded, so both take them from here.
"""

from __future__ import annotations

import pandas as pd

from .. import BASELINE
from ..vocabulary import PAIRED
from .table import Facts

SPEEDUP_PAIRED = "paired"  # the median of per-round ratios, each round measured right beside a sequential one
SPEEDUP_OF_MEDIANS = "ratio of medians"  # sequential's median over the case's, measured at different times


def speedup_basis(group: pd.DataFrame, facts: Facts) -> str:
    """How this panel's speedups are known: "paired", "ratio of medians", or "" (not at all, or not its measure).

    Only a workload judged by a paired speedup gets one: one judged against an ideal time is shown that way.
    """
    others = group[group["executor"] != BASELINE]
    if others.empty or facts.workload(str(group["workload"].iloc[0]))["judged_by"] != PAIRED:
        return ""
    if others["speedup"].notna().all():
        return SPEEDUP_PAIRED
    if ((group["executor"] == BASELINE) & (group["workers"] == 1)).any():
        return SPEEDUP_OF_MEDIANS
    return ""


def speedups(group: pd.DataFrame, facts: Facts) -> pd.Series:
    """The speedups a panel shows: the saved paired ones, else sequential's median over each case's."""
    if speedup_basis(group, facts) == SPEEDUP_PAIRED:
        return group["speedup"].fillna(1.0)
    base = group.loc[(group["executor"] == BASELINE) & (group["workers"] == 1), "median_s"].median()
    return base / group["median_s"]


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


def markdown_table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A markdown table's lines; a "|" inside a cell is escaped."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
