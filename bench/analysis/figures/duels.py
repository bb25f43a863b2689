"""The duels of a run: each pair's ratio and the median's interval, against the equivalence band around 1.

A duel alternates steps of two cases; each pair gives A's figure over B's (their
paired speedups, or B's round time over A's: above 1, A is faster). The dots are the pairs, the bar the 95% interval of
their median, the band the margin within which the two are called equivalent:
a bar wholly right of 1 is A's win, wholly left B's, wholly inside the band a tie
that was shown, and anything else undecided.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ...stats import CONFIDENCE, EQUIVALENCE
from ...vocabulary import A_WINS, B_WINS, EQUIVALENT, UNDECIDED
from ..table import Facts
from .kit import CAPTION_IN, caption, finish_rows, intervals, ratio_axis, rows_figure

OUTCOME_WORDS = {A_WINS: "A faster", B_WINS: "B faster", EQUIVALENT: "equivalent", UNDECIDED: "undecided"}


def side(record: dict[str, Any]) -> str:
    python = f" {record['python']}" if record.get("python") else ""
    return f"{record['executor']} w{record['workers']}{python}"


def duel_name(record: dict[str, Any]) -> str:
    """``cpu: A processes w2 vs B threads w2``."""
    return f"{record['workload']}: A {side(record['a'])} vs B {side(record['b'])}"


def ratios(record: dict[str, Any]) -> list[float]:
    """The duel's pairs of steps, each A's figure over B's (above 1: A faster)."""
    return [float(ratio) for ratio in record.get("ratios") or []]


def duels_figure(facts: Facts) -> Figure | None:
    """One row per duel: its pairs' ratios, the median's interval, the band of equivalence."""
    held = [record for record in facts.duels if len(ratios(record)) >= 2]
    if not held:
        return None
    names = [f"{duel_name(record)} ({OUTCOME_WORDS.get(record['outcome'], record['outcome'])})" for record in held]
    fig, ax = rows_figure(len(held), 11, 0.4, CAPTION_IN)
    margin = float(held[0].get("margin", EQUIVALENCE))
    ax.axvspan(1 / (1 + margin), 1 + margin, color="grey", alpha=0.15, label=f"equivalent (within {margin:.0%})")
    everything = []
    for row, record in enumerate(held):
        found = ratios(record)
        jitter = np.linspace(-0.15, 0.15, len(found))
        ax.plot(found, row + jitter, ".", color="tab:blue", alpha=0.5, label="one pair of rounds" if row == 0 else None)
        values = np.array([record["ratio"]])
        at = (values, np.array([float(row)]), np.array([record["low"]]), np.array([record["high"]]))
        intervals(ax, *at, color="black", label=f"median, {CONFIDENCE:.0%} CI" if row == 0 else None)
        everything += [*found, record["low"], record["high"]]
    ratio_axis(ax, pd.DataFrame({"ratio": everything}))
    finish_rows(
        ax,
        names,
        "Duels: contested leaders measured head to head, rounds alternating",
        "A's speedup / B's, or B's time / A's (above 1: A is faster; log scale)",
        "equal",
        fig=fig,
    )
    caption(
        fig,
        facts.machine,
        "Each row: one duel, its pairs of alternating rounds; it stops once the interval excludes 1, lies within "
        "the band, or its budget is spent.",
    )
    return fig
