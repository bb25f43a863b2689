"""The figures of one finished case, computed from its rounds and the workload's own facts.

Which figures a case gets (a paired speedup, time against an ideal, latency
percentiles) is decided by the workload's facts, never by its name.
"""

from __future__ import annotations

import statistics
from typing import Any

import workloads

from .. import BASELINE
from .matrix import Case
from .rounds import Rounds

CV_LIMIT = 0.05  # a case whose rounds (a paired case: whose paired ratios) vary more than this is marked unstable
BACKGROUND_LIMIT_CORES = 0.10  # ... or whose machine had this much other load


def _cv(values: list[float]) -> float:
    return statistics.stdev(values) / statistics.mean(values) if len(values) > 1 else 0.0


def _median_of(dicts: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(d[key] for d in dicts) for key in dicts[0]} if dicts else {}


def case_figures(case: Case, facts: dict[str, Any], rounds: Rounds, measured: int, data: list[float]) -> dict[str, Any]:
    """extra_info fields computed from the rounds (the sampler's come separately)."""
    messages = rounds.messages[-measured:]
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
        base = rounds.baseline_s[-measured:]
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
    return figures


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
    """Why this case's figures deserve less trust; empty when none.

    A paired case is judged on its paired ratios, not on its round times: the machine's speed
    phases move a round and its baseline together, and the speedup (a ratio) is what it reports.
    Its times may vary (a slow phase) while every ratio agrees; warning about that on every
    processes case taught users to ignore warnings.
    """
    reasons = []
    if "ratio_cv" in extra:
        if extra["ratio_cv"] > CV_LIMIT:
            reasons.append(f"paired ratios vary by {extra['ratio_cv']:.0%} (CV over {CV_LIMIT:.0%})")
    elif extra.get("cv", 0.0) > CV_LIMIT:
        reasons.append(f"rounds vary by {extra['cv']:.0%} (CV over {CV_LIMIT:.0%})")
    if "gil_expected" in extra and extra.get("gil_enabled") != extra["gil_expected"]:
        named = ", ".join(extra.get("gil_enabled_by") or []) or "an extension module"
        reasons.append(
            f"the GIL came back on at run time (importing {named} turned it on)"
            if extra.get("gil_enabled")
            else "the GIL was off although PYTHON_GIL=1 asked for it"
        )
    if extra.get("warmup_settled") is False:
        reasons.append(f"warm-up did not settle within {extra.get('warmup_s', 0.0):.0f} s (--warmup-limit)")
    if (extra.get("background_cores") or 0.0) > BACKGROUND_LIMIT_CORES:
        reasons.append(
            f"other processes used {extra['background_cores']:.2f} cores (over {BACKGROUND_LIMIT_CORES:.2f})"
        )
    return reasons
