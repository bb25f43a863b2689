"""The judge of a workload timed against its ideal (``IDEAL``): who comes closest where the models part."""

from __future__ import annotations

import pandas as pd

from . import busy
from .aspects import aspects
from .contest import settle
from .generic import generic
from .model import RATIO, Best, Estimate, Group, Verdict, cores_of, estimate_of
from .phrases import SHOWN_OTHERS, joined, times
from .trust import trust


def _time_estimate(row: pd.Series) -> Estimate | None:
    """The case's median round over its ideal time, with its interval."""
    found = estimate_of(row["data_by_pass"])
    ideal = float(row["ideal_s"])
    if found is None:
        if pd.isna(row["vs_ideal"]):
            return None
        return Estimate(float(row["vs_ideal"]), float(row["vs_ideal"]), float(row["vs_ideal"]))
    return Estimate(found.value / ideal, found.low / ideal, found.high / ideal)


def against_ideal(group: Group) -> Verdict:
    """Judged by time against the ideal at each concurrency: who comes closest where the models part."""
    rows = group.rows.dropna(subset=["ideal_s"])
    rows = rows[rows["ideal_s"] > 0]
    if rows.empty:
        return generic(group)
    counts = rows.groupby("workers")["executor"].nunique()
    levels = sorted(int(w) for w in counts[counts >= 2].index) or sorted(int(w) for w in counts.index)
    top_level = levels[-1]
    text, best, winners = _level(group, rows, top_level, first=True)
    if len(levels) >= 2:
        text += _level(group, rows, levels[-2], first=False)[0]
    reached = [
        f"{executor} up to {int(by['workers'].max())}"
        for executor, by in group.by_executor(rows)
        if by["workers"].nunique() > 1 and int(by["workers"].max()) < top_level
    ]
    if reached:
        text.append(f"Not run at {top_level}: {joined(reached)}.")
    chosen = [
        (b.executor, rows[(rows["executor"] == b.executor) & (rows["workers"] == top_level)].iloc[0]) for b in best
    ]
    text += aspects(group, chosen, None, at=top_level)
    deciding = [b for b in best if b.executor in winners] or best[:1]
    said_busy = bool(busy.sentence(group))
    text += [busy.redone_note(group, said_busy), trust(group, deciding, said_busy=said_busy)]
    return group.verdict(
        text,
        measure=f"measured / ideal time at concurrency {top_level} {RATIO}",
        higher_is_better=False,
        best=tuple(best),
        winners=tuple(winners),
    )


def _level(group: Group, rows: pd.DataFrame, level: int, first: bool) -> tuple[list[str], list[Best], list[str]]:
    here = rows[rows["workers"] == level]
    best = []
    for executor, by in group.by_executor(here):
        estimate = _time_estimate(by.iloc[0])
        if estimate is not None:
            best.append(Best(executor, level, estimate, cores_of(by.iloc[0]["effective_cores"])))
    if not best:
        return [], [], []
    ranked = sorted(best, key=lambda b: b.estimate.value)
    ideal = float(here["ideal_s"].median())
    at = f"at concurrency {level}" if first else f"At {level}"
    distorted = busy.sentence(group) if first else ""
    if distorted:
        lead = ranked[0]
        return (
            [
                distorted,
                f"No winner is called on rounds that load distorted: as measured {at}, {lead.executor} came closest "
                f"to the ideal {ideal:.3g} s, {times(lead)} ({lead.estimate.interval()}).",
            ],
            best,
            [],
        )
    contest = settle(group, ranked)
    lead = contest.top
    if contest.open or contest.equivalent:
        level_with = [lead, *contest.open, *contest.equivalent]
        listed = joined([f"{b.executor} {times(b)}" for b in level_with])
        told = "equivalent" if not contest.open else "not told apart"
        sentence = f"{at}, no clear winner between {listed} of the ideal {ideal:.3g} s: {told}."
        return [sentence, *contest.said], best, [b.executor for b in level_with]
    behind = [b for b in ranked if b is not lead][:SHOWN_OTHERS]
    after = f", ahead of {joined([f'{b.executor} {times(b)}' for b in behind])}" if behind else ""
    if first:
        sentence = (
            f"{lead.executor} comes closest to the ideal {ideal:.3g} s {at}: "
            f"{times(lead)} ({lead.estimate.interval()}){after}."
        )
    else:
        sentence = f"{at}, {lead.executor} leads with {times(lead)} of the ideal {ideal:.3g} s{after}."
    return [sentence, *contest.said], best, [lead.executor]
