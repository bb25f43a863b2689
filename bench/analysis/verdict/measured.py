"""The judges of what workloads time inside their rounds (``measures``): ``COST``, ``RACE`` and ``LATENCY``.

These figures are medians over the rounds of each case, measured by the workload itself (a switch, a start, a
message; lost updates; a request's latency). There is no interval per kind, so no executor is called the
winner over another it is close to: the sentences give values, and say how far apart the extremes are.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ...vocabulary import (
    INCREMENTS_PER_S,
    LATENCY_MS,
    LOCK,
    LOST_SHARE,
    LOST_UPDATES,
    NO_LOCK,
    NO_LOCK_YIELD,
    P50,
    P99,
    UNLOCKED,
)
from .generic import generic
from .model import Best, Estimate, Group, Verdict
from .phrases import SHOWN_OTHERS, joined, plural
from .trust import trust

MEASURED_NOTE = "(medians over the rounds, measured inside them; no interval per kind)"


def _measures(group: Group) -> list[dict[str, Any]]:
    return [dict(measure) for measure in group.about.get("measures") or []]


def _values(group: Group, name: str, rows: pd.DataFrame | None = None) -> list[tuple[str, int, str, float]]:
    """(executor, workers, kind, value) of one measure over the group's cases."""
    rows = group.rows if rows is None else rows
    found = []
    for executor, by in group.by_executor(rows[rows["measures"].notna()]):
        for _, row in by.iterrows():
            for kind, value in (row["measures"].get(name) or {}).items():
                if value is not None and pd.notna(value):
                    found.append((executor, int(row["workers"]), str(kind), float(value)))
    return found


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _not_measured(group: Group) -> str:
    notes = sorted(
        {
            f"{row['executor']} {kind} ({why})"
            for _, row in group.rows.iterrows()
            for kind, why in row["not_measured"].items()
        }
    )
    return f"Not measured: {joined(notes)}." if notes else ""


def cost(group: Group) -> Verdict:
    """Judged by what one operation costs, per kind: the cheapest and the dearest, and how far apart."""
    measures = _measures(group)
    main = measures[0] if measures else None
    values = _values(group, main["name"]) if main else []
    if main is None or not values:
        return generic(group)
    lower = bool(main.get("lower_is_better", True))
    ranked = sorted(values, key=lambda item: item[3] if lower else -item[3])
    (e1, _, k1, v1), (en, _, kn, vn) = ranked[0], ranked[-1]
    unit = str(main["unit"])
    head = f"{main['title'].split(':')[0]}: cheapest {e1} {k1} {_fmt(v1)} {unit}"
    if len(ranked) > 1:
        factor = max(v1, vn) / max(min(v1, vn), 1e-12)
        head += f", dearest {en} {kn} {_fmt(vn)} ({factor:,.0f}x apart)"
    text = [head + f" {MEASURED_NOTE}."]
    best_of: dict[str, tuple[int, str, float]] = {}
    for executor, workers, kind, value in ranked:
        best_of.setdefault(executor, (workers, kind, value))
    listed = [f"{executor} {kind} {_fmt(value)}" for executor, (_, kind, value) in best_of.items()]
    if len(listed) > 1:
        text.append(f"Each model at its cheapest: {joined(listed)} {unit}.")
    for other in measures[1:]:
        more = sorted(_values(group, other["name"]), key=lambda item: item[3])
        if more:
            text.append(
                f"{other['title']}: {joined([f'{e} {k} {_fmt(v)}' for e, _, k, v in more[: SHOWN_OTHERS + 1]])}"
                f"{' ...' if len(more) > SHOWN_OTHERS + 1 else ''} {other['unit']}."
            )
    text += [_not_measured(group), trust(group, [])]
    best = tuple(
        Best(executor, workers, Estimate(value, value, value)) for executor, (workers, _, value) in best_of.items()
    )
    return group.verdict(text, measure=f"{unit}, cheapest kind", higher_is_better=not lower, best=best, winners=(e1,))


#: The variants without a lock, in words: the tutorial's race first, then the increment as people write it.
UNLOCKED_WORDS = {NO_LOCK_YIELD: "read, yield, write (the race)", NO_LOCK: "the plain increment"}


def _lost_sentence(group: Group, kind: str, top: int) -> str:
    """Which models lost updates without a lock in one variant at ``top`` units, and how many; who lost none."""
    shares = {e: v for e, w, k, v in _values(group, LOST_SHARE) if k == kind and w == top}
    counts = {e: v for e, w, k, v in _values(group, LOST_UPDATES) if k == kind and w == top}
    if not shares:
        return ""
    losing = [
        f"{e} {v:.0f}%" + (f" ({counts[e]:,.0f} of {100 * counts[e] / v:,.0f})" if counts.get(e) else "")
        for e, v in sorted(shares.items(), key=lambda item: -item[1])
        if v > 0
    ]
    safe = [e for e, v in shares.items() if v == 0]
    said = f"lost updates under {joined(losing)}" if losing else f"lost none under {joined(safe)}"
    kept = f"; {joined(safe)} lost none (the race did not strike)" if losing and safe else ""
    return f"{UNLOCKED_WORDS[kind]} {said}{kept}."


def _lock_costs(group: Group, top: int) -> tuple[list[str], tuple[str, int, str, float] | None]:
    """What a Lock costs, uncontended and shared by ``top`` units, and the fastest safe way to count."""
    locked = [(e, w, k, v) for e, w, k, v in _values(group, INCREMENTS_PER_S) if k not in UNLOCKED]
    uncontended = {(e, k): v for e, w, k, v in locked if w == 1}
    contended = {(e, k): v for e, w, k, v in locked if w == top}
    pairs = [
        f"{e} {k} {_fmt(uncontended[(e, k)])} alone, {_fmt(contended[(e, k)])} shared by {top}"
        for e, k in uncontended
        if (e, k) in contended and k == LOCK
    ]
    text = [f"What a Lock costs, increments/s: {joined(pairs)}."] if pairs and top > 1 else []
    fastest = max(locked, key=lambda item: item[3]) if locked else None
    if fastest is not None:
        text.append(
            f"Fastest safe counting: {fastest[0]} with {fastest[2]} at {plural(fastest[1], 'unit')}, "
            f"{_fmt(fastest[3])} increments/s {MEASURED_NOTE}."
        )
    return text, fastest


def race(group: Group) -> Verdict:
    """Judged by a shared counter: which models lost updates without a lock, how many, and what a lock costs."""
    if not _values(group, LOST_SHARE) or not _values(group, INCREMENTS_PER_S):
        return generic(group)
    top = int(group.rows["workers"].max())
    kinds = {k for _, _, k, _ in _values(group, LOST_SHARE)}
    unlocked = [kind for kind in UNLOCKED if kind in kinds]
    lost = [sentence for sentence in (_lost_sentence(group, kind, top) for kind in unlocked) if sentence]
    text = [f"Without a lock, at {plural(top, 'unit')}: {lost[0]}"] if lost else []
    text += [sentence[0].upper() + sentence[1:] for sentence in lost[1:]]
    costs, fastest = _lock_costs(group, top)
    text += [*costs, _not_measured(group), trust(group, [])]
    best: dict[str, Best] = {}
    locked = [(e, w, k, v) for e, w, k, v in _values(group, INCREMENTS_PER_S) if k not in UNLOCKED]
    for e, w, _kind, v in sorted(locked, key=lambda item: -item[3]):
        best.setdefault(e, Best(e, w, Estimate(v, v, v)))
    return group.verdict(
        text,
        measure="increments/s with a lock, best",
        best=tuple(best.values()),
        winners=(fastest[0],) if fastest else (),
    )


def latency(group: Group) -> Verdict:
    """Judged by a short request's latency as busy units are added beside it: who keeps it short."""
    values = _values(group, LATENCY_MS)
    if not values:
        return generic(group)
    top = max(w for _, w, _, _ in values)
    low = min(w for _, w, _, _ in values)

    def at(workers: int) -> dict[str, dict[str, float]]:
        found: dict[str, dict[str, float]] = {}
        for e, w, k, v in values:
            if w == workers:
                found.setdefault(e, {})[k] = v
        return found

    alone, busy = at(low), at(top)
    text = []
    if alone:
        listed = [f"{e} {_fmt(v.get(P50, float('nan')))}/{_fmt(v.get(P99, float('nan')))}" for e, v in alone.items()]
        text.append(f"Alone ({plural(low - 1, 'busy unit')} beside it), a request's p50/p99: {joined(listed)} ms.")
    if busy and top != low:
        ranked = sorted(busy.items(), key=lambda item: item[1].get(P99, float("inf")))
        listed = [f"{e} {_fmt(v.get(P50, float('nan')))}/{_fmt(v.get(P99, float('nan')))}" for e, v in ranked]
        text.append(
            f"With {plural(top - 1, 'busy unit')} beside it: {joined(listed)} ms; "
            f"{ranked[0][0]} keeps it shortest {MEASURED_NOTE}."
        )
    text += [_not_measured(group), trust(group, [])]
    chosen = busy or alone
    best = tuple(Best(e, top if busy else low, Estimate(v[P99], v[P99], v[P99])) for e, v in chosen.items() if P99 in v)
    winner = min(best, key=lambda b: b.estimate.value).executor if best else ""
    return group.verdict(
        text,
        measure=f"p99 latency (ms) with {plural((top if busy else low) - 1, 'busy unit')} beside it",
        higher_is_better=False,
        best=best,
        winners=(winner,) if winner else (),
    )
