"""A finished case's key figure in a few words, for its line on the run's console.

The figure is the one its judgement uses (the workload's ``judged_by``, saved in
its facts): a paired speedup with the cores it used, time against the ideal,
the updates a race lost, the cheapest kind's cost, a request's latency. It
reads what ``figures.case_figures`` and the sampler put in ``extra_info``, and
names no workload.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..vocabulary import (
    COST,
    IDEAL,
    INCREMENTS_PER_S,
    LATENCY,
    LOCK,
    LOST_SHARE,
    NO_LOCK,
    NO_LOCK_YIELD,
    P50,
    P99,
    PAIRED,
    RACE,
    UNLOCKED,
)


def _number(value: float) -> str:
    """3 significant digits: ``0.0225``, ``49.8``, ``2,270``, ``4.89M``."""
    if abs(value) >= 1e6:
        return f"{value / 1e6:.3g}M"
    if abs(value) >= 1000:
        return f"{float(f'{value:.3g}'):,.0f}"
    return f"{value:.3g}"


def _cores(extra: Mapping[str, Any]) -> str:
    cores = extra.get("effective_cores")
    return f" on {cores:.2f} cores" if isinstance(cores, int | float) else ""


#: The variants without a lock, in a word each (``bench.vocabulary.UNLOCKED``'s order).
UNLOCKED_WORDS = {NO_LOCK_YIELD: "read, yield, write", NO_LOCK: "plain"}


def _race(extra: Mapping[str, Any]) -> str:
    measures = extra.get("measures") or {}
    lost = measures.get(LOST_SHARE) or {}
    shares = [f"{lost[kind]:.0f}% ({UNLOCKED_WORDS[kind]})" for kind in UNLOCKED if kind in lost]
    if any(lost[kind] for kind in UNLOCKED if kind in lost):
        said = [f"lost without a lock: {', '.join(shares)}"]
    else:
        said = ["no update lost without a lock"] if shares else []
    rate = (measures.get(INCREMENTS_PER_S) or {}).get(LOCK)
    if rate:
        said.append(f"{_number(rate)} increments/s with a Lock")
    return ", ".join(said)


def _cost(extra: Mapping[str, Any], facts: Mapping[str, Any]) -> str:
    main = (facts.get("measures") or [None])[0]
    values = (extra.get("measures") or {}).get(main["name"]) if main else None
    if not main or not values:
        return ""
    lower = bool(main.get("lower_is_better", True))
    kind, value = sorted(values.items(), key=lambda item: item[1] if lower else -item[1])[0]
    return f"{'cheapest' if lower else 'best'}: {kind} {_number(value)} {main['unit']}"


def _latency(extra: Mapping[str, Any]) -> str:
    latency = extra.get("latency_ms") or {}
    if P50 not in latency or P99 not in latency:
        return ""
    return f"p50 {_number(latency[P50])} ms, p99 {_number(latency[P99])} ms"


def key_figure(extra: Mapping[str, Any], facts: Mapping[str, Any]) -> str:
    """The figure a case is judged by, in words; its throughput where its judgement has none to show."""
    judged_by = facts.get("judged_by")
    said = ""
    if judged_by == PAIRED and extra.get("speedup") is not None:
        said = f"{extra['speedup']:.2f}x{_cores(extra)}"
    elif judged_by == IDEAL and extra.get("vs_ideal") is not None:
        said = f"{extra['vs_ideal']:.2f}x the ideal time{_cores(extra)}"
    elif judged_by == RACE:
        said = _race(extra)
    elif judged_by == COST:
        said = _cost(extra, facts)
    elif judged_by == LATENCY:
        said = _latency(extra)
    if not said and extra.get("throughput") is not None:
        said = f"{_number(float(extra['throughput']))} {extra.get('throughput_unit', '')}".rstrip()
    return said
