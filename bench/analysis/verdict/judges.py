"""Which judge for which workload, and the verdicts of a run: one per workload, parameter set and interpreter.

What decides comes from the workload's own facts (``judged_by``): ``JUDGES``
maps each judgement of ``bench.vocabulary`` to one function, so a new kind is
one name there and one function here. Issue 19's physics checks (a CPU-bound
case faster than its cores allow is a measurement problem, never a verdict)
come between the cases and their judge, in ``verdicts``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ...vocabulary import COST, IDEAL, LATENCY, PAIRED, RACE
from ..table import KEY, Facts, cases, workload_params
from .generic import generic
from .ideal import against_ideal
from .measured import cost, latency, race
from .model import Group, Judge, Verdict
from .paired import paired
from .phrases import plural
from .switching import with_builds

#: How each kind of judgement (a workload's ``judged_by`` fact) is made: add a kind by adding a function here.
JUDGES: dict[str, Judge] = {PAIRED: paired, IDEAL: against_ideal, COST: cost, RACE: race, LATENCY: latency}


def _failed_of(failed: list[dict[str, Any]], workload: str, params: str) -> tuple[dict[str, Any], ...]:
    def matches(entry: dict[str, Any]) -> bool:
        given = entry.get("params") or {}
        own = workload_params(given)
        return str(given.get("workload")) == workload and (own in ("", params))

    return tuple(entry for entry in failed if matches(entry))


def verdicts(run: dict[str, Any], frame: pd.DataFrame | None = None, facts: Facts | None = None) -> list[Verdict]:
    """One verdict per workload of the run (and parameter set, and interpreter where the run holds several)."""
    facts = facts or Facts.of(run)
    frame = cases(run, facts) if frame is None else frame
    failed = list(run["machine_info"].get("bench_run", {}).get("failed") or [])
    keys = [key for key in KEY if key not in ("executor", "workers") and key in frame.columns]
    found: list[Verdict] = []
    judged: set[str] = set()
    if not frame.empty:
        for values, rows in frame.groupby(keys, sort=False):
            given = dict(zip(keys, values if isinstance(values, tuple) else (values,), strict=True))
            workload = str(given["workload"])
            judged.add(workload)
            same = frame[frame["workload"] == workload]
            label = workload
            if same["params"].nunique() > 1:
                label += f" ({given['params']})"
            label += "".join(f", {key} {given[key]}" for key in keys[2:] if frame[key].nunique() > 1)
            group = Group(
                workload,
                label,
                rows,
                facts,
                _failed_of(failed, workload, str(given["params"])),
                str(given.get("python") or ""),
            )
            found.append(JUDGES.get(str(group.about["judged_by"]), generic)(group))
    for workload in facts.workloads:
        if workload not in judged:
            lost = [entry for entry in failed if str((entry.get("params") or {}).get("workload")) == workload]
            why = f"{plural(len(lost), 'case')} failed" if lost else "none ran"
            description = str(facts.workload(workload)["description"])
            found.append(Verdict(workload, description, f"no case finished ({why}): no verdict."))
    return with_builds(found, run, frame, facts)  # a GIL build beside a free-threaded one: what switching changes
