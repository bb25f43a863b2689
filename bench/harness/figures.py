"""The figures of one finished case, computed from its rounds and the workload's own facts.

Which figures a case gets (a paired speedup, time against an ideal, latency
percentiles) is decided by the workload's facts, never by its name.
"""

from __future__ import annotations

import statistics
from typing import Any

import workloads

from .. import BASELINE
from .effort import half_width
from .matrix import Case
from .rounds import Measured, Rounds

UNSTABLE_PRECISION = 0.10  # a case whose deciding figure is known to no better than +-10% is marked unstable


def _cv(values: list[float]) -> float:
    return statistics.stdev(values) / statistics.mean(values) if len(values) > 1 else 0.0


def _median_of(dicts: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(d[key] for d in dicts) for key in dicts[0]} if dicts else {}


def case_figures(case: Case, facts: dict[str, Any], rounds: Rounds, measured: Measured) -> dict[str, Any]:
    """extra_info fields computed from the counted rounds (the sampler's come separately)."""
    messages = [rounds.messages[i] for i in measured.kept]
    data = [rounds.round_time(i) for i in measured.kept]
    median_s = statistics.median(data)
    amount = float(messages[-1]["amount"])
    figures: dict[str, Any] = {
        "throughput": amount / median_s,
        "throughput_unit": facts["unit"],
        "verified": all(m.get("verified") for m in messages),
        "worker_round_s_median": statistics.median(float(m["worker_s"]) for m in messages),
        "cv": _cv(data),
    }
    if rounds.paired:
        base = [rounds.baseline_s[i] for i in measured.kept]
        ratios = [b / c for b, c in zip(base, data, strict=True)]
        figures.update(
            speedup=statistics.median(ratios),
            speedup_rounds=ratios,
            ratio_cv=_cv(ratios),
            baseline_s=base,
            speedup_basis="paired: a sequential round right before or after each round, alternately",
        )
    elif case.executor == BASELINE and facts["judged_by"] == workloads.PAIRED:
        figures.update(speedup=1.0, speedup_basis="the baseline itself")
    if facts["judged_by"] == workloads.IDEAL:
        ideal = float(messages[-1]["extra"]["ideal_s"])
        figures.update(ideal_s=ideal, vs_ideal=median_s / ideal if ideal > 0 else None)  # no ideal at zero latency
    if facts.get("latency"):
        figures.update(latency_ms=_median_of([m["extra"]["latency_ms"] for m in messages]))
    if facts.get("measures"):
        figures.update(inner_measures([m["extra"] for m in messages]))
    figures.update(effort_figures(rounds, measured, timed=facts["judged_by"] in workloads.TIMED))
    return figures


def effort_figures(rounds: Rounds, measured: Measured, timed: bool = True) -> dict[str, Any]:
    """How measuring went: why it stopped, how sharp its figure got (None where no round figure decides: a
    workload judged inside its rounds), and which rounds other programs' load cost."""
    width = half_width(rounds.figures(measured.kept)) if timed else None
    return {
        "stopped": measured.stopped,
        "precision": width,  # half-width of the 95% CI of the deciding figure's median, relative to it
        "measuring_s": measured.seconds,
        "rounds_redone": [redo.record() for redo in measured.redone],
        "foreign_cores_rounds": [None if load is None else round(load, 3) for load in measured.foreign],
        "loaded_rounds": [measured.kept.index(i) for i in measured.loaded],  # positions among the counted rounds
    }


def inner_measures(extras: list[dict[str, Any]]) -> dict[str, Any]:
    """What a workload timed inside its rounds (``extra["measures"]``): the median of each figure per kind,
    every round's figures, and what it could not measure under this executor, with the reason.
    """
    rounds = [extra.get("measures") or {} for extra in extras]
    medians: dict[str, dict[str, float]] = {}
    for name, kind in dict.fromkeys(
        (name, kind) for one in rounds for name, by_kind in one.items() for kind in by_kind
    ):
        values = [r[name][kind] for r in rounds if r.get(name, {}).get(kind) is not None]
        if values:
            medians.setdefault(name, {})[kind] = statistics.median(values)
    not_measured: dict[str, str] = {}
    for extra in extras:
        not_measured.update(extra.get("not_measured") or {})
    return {"measures": medians, "measures_rounds": rounds, "not_measured": not_measured}


def memory_per_unit(ready: dict[str, Any], sampled: dict[str, Any], units: int) -> float | None:
    """What each thread, process, greenlet or task added to the tree's memory (PSS, bytes).

    PSS, not USS: a forked pool's pages stay shared with its parent, so they are no one's unique memory.
    """
    if sampled.get("peak_pss_bytes") and ready.get("base_pss_bytes"):
        return float(max(0, sampled["peak_pss_bytes"] - ready["base_pss_bytes"]) / units)
    return None


def unstable_reasons(extra: dict[str, Any]) -> list[str]:
    """Why this case's figures deserve less trust, each saying what it means for the result; empty when none.

    Judged on what the verdict uses (DESIGN 13): the deciding figure's interval after the
    case measured as long as it was allowed to (paired ratios for a paired case, whose round
    times move with the machine's speed phases while every ratio agrees; round times for the
    rest), the rounds other programs' load distorted although the harness redid what it could,
    and the GIL's state. A warm-up that did not settle, or a spread of single rounds, is
    recorded but no longer flagged: the interval of what was measured says what it cost. A
    warning on a third of the cases taught people to ignore warnings.
    """
    reasons = []
    counted = len(extra.get("foreign_cores_rounds") or []) or None
    width = extra.get("precision")
    if width is not None and width > UNSTABLE_PRECISION:
        figure = "speedup" if "speedup_rounds" in extra else "round time"
        after = f" after {counted} rounds" if counted else ""
        reasons.append(
            f"its {figure} is known only to +-{width:.0%}{after}: differences smaller than that are noise here"
        )
    loaded = [extra["foreign_cores_rounds"][i] for i in extra.get("loaded_rounds") or []]
    if loaded:
        reasons.append(
            f"other programs used {statistics.median(loaded):.2f} cores during {len(loaded)} of its {counted} "
            "counted rounds, and the machine stayed busy: its figures are distorted"
        )
    if "gil_expected" in extra and extra.get("gil_enabled") != extra["gil_expected"]:
        named = ", ".join(extra.get("gil_enabled_by") or []) or "an extension module"
        reasons.append(
            f"the GIL came back on at run time (importing {named} turned it on): not a free-threaded result"
            if extra.get("gil_enabled")
            else "the GIL was off although PYTHON_GIL=1 asked for it"
        )
    return reasons
