"""Other programs' load that would not go away: said first, with its figures, and no winner called on it.

The harness redoes a round that other programs' load distorted (DESIGN 12), but
only so often and after waiting so long; past that, a loaded round counts and is
marked. A case whose counted rounds were loaded cannot decide the verdict: on a
2-core machine, a program using one core takes it from a case that uses both, so
its speedup reads low (one busy program turned "processes 1.7-2.0x" into "no
executor is clearly faster than sequential").
"""

from __future__ import annotations

import statistics

import pandas as pd

from .model import Group
from .phrases import joined, plural


def loaded(row: pd.Series | None) -> bool:
    return row is not None and bool(row.get("loaded_cores"))


def _while(row: pd.Series) -> str:
    workers = plural(int(row["workers"]), "worker")
    return f"{statistics.median(row['loaded_cores']):.1f} while {row['executor']} at {workers} ran"


def sentence(group: Group, named: int = 2) -> str:
    """ "The machine was busy: ..." for the group's cases whose counted rounds were loaded; "" when none were.

    Any of them may be the one that would have won on a quiet machine (a case using every core loses most),
    so the judge calls no winner at all; the cases with the most workers are named first.
    """
    busy = [row for _, row in group.rows.iterrows() if loaded(row)]
    if not busy:
        return ""
    busy.sort(key=lambda row: (-int(row["workers"]), -(row.get("effective_cores") or 0.0)))
    said = [_while(row) for row in busy[:named]]
    if len(busy) > named:
        said.append(f"while {plural(len(busy) - named, 'other case')} ran")
    kept = sum(len(row["loaded_cores"]) for row in busy)
    counted = sum(len(row["data"]) for row in busy)
    redone = sum(int(row.get("redone") or 0) for row in busy)
    return (
        f"The machine was busy: other programs used {joined(said)} (of {group.facts.usable_cores} cores); "
        f"{kept} of their {counted} counted rounds were loaded after {plural(redone, 'round')} redone: their "
        "figures are distorted (a case that uses every core loses most)."
    )


LOAD_REASON = "other programs used"  # how a case's unstable reason about load begins (bench.harness.figures)


def redone_note(group: Group, said_busy: bool) -> str:
    """How many rounds were redone because of other programs' load, where any were and none stayed loaded."""
    if said_busy:
        return ""  # the busy sentence said it
    total = int(group.rows["redone"].sum()) if "redone" in group.rows else 0
    if not total:
        return ""
    cases = int((group.rows["redone"] > 0).sum())
    return f"({plural(total, 'round')} of {plural(cases, 'case')} redone: other programs were busy while they ran.)"
