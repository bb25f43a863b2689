"""The figures of a report, in reading order: each one's file name, heading, note, and how it is built.

Which figures a run gets comes from what its workloads say of themselves
(``heatmap``, ``figure``), never from their names: the verdict first (and,
where a run holds a GIL build and a free-threaded one, switching between them), the
scaling of paired speedups, a per-core picture per workload that asks for one,
effective cores, then each workload's own figure by its kind.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from ...vocabulary import AGAINST_IDEAL, BY_WORKERS, COSTS, SCALING, THROUGHPUT
from ..builds import pairings
from ..figures.builds import builds_figure
from ..figures.duels import duels_figure
from ..figures.heatmap import cpu_per_core_figure
from ..figures.measured import by_workers_figure, costs_figure
from ..figures.timed import against_ideal_figure, effective_cores_figure, scaling_figure, throughput_figure
from ..figures.verdict import verdict_figure
from ..table import Facts
from ..verdict import Verdict

VERDICT_FIGURE = "verdict"  # drawn inside the verdict section of the page, not among the other figures
BUILDS_FIGURE = "builds"  # a GIL build beside a free-threaded one: what switching changes
DUELS_FIGURE = "duels"  # drawn inside the duels section


@dataclass(frozen=True)
class OwnFigure:
    """The figure of a ``figure`` kind that is drawn one workload at a time (scaling and heatmaps draw several)."""

    heading: str
    note: Callable[[dict[str, Any]], str]  # from the workload's facts
    build: Callable[[pd.DataFrame, Facts, str], Figure | None]
    needs: str  # what a case must have for it to be drawn, in words


OWN_FIGURES = {
    AGAINST_IDEAL: OwnFigure(
        "throughput and time against the ideal",
        lambda about: f"{about['unit'] or 'Throughput'}, measured time over the ideal ({about['ideal']}), and latency.",
        against_ideal_figure,
        "has a throughput or an ideal time",
    ),
    COSTS: OwnFigure(
        "what one operation costs, per kind",
        lambda about: f"{about['summary']} Each dot: the median over the rounds.",
        costs_figure,
        "measured anything",
    ),
    BY_WORKERS: OwnFigure(
        "against workers",
        lambda about: f"{about['summary']} Each point: the median over the rounds.",
        by_workers_figure,
        "measured anything",
    ),
    THROUGHPUT: OwnFigure(
        "throughput",
        lambda about: f"{about['unit'] or 'Throughput'} as workers grow.",
        throughput_figure,
        "has a throughput",
    ),
}


@dataclass(frozen=True)
class Spec:
    """One figure of a report: its file name, heading and note, and how to build it (None: no data)."""

    name: str
    heading: str
    note: str
    build: Callable[[], Figure | None]
    absent: str  # why it is not drawn, when it is not


def slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "workload"


def specs(
    frame: pd.DataFrame,
    facts: Facts,
    verdicts: list[Verdict] | None = None,
    note: str = "",
    *,
    run: dict[str, Any] | None = None,
    every: pd.DataFrame | None = None,
) -> list[Spec]:
    """The figures of a run, in reading order (the verdict first, when given), from what its workloads say.

    ``frame`` is what most figures draw (a --python run's first interpreter); ``every`` holds every
    interpreter's cases, which the builds and CPU-per-core figures set side by side (with ``run``: its duels).
    """
    names = list(dict.fromkeys(str(name) for name in frame["workload"])) if not frame.empty else []
    found = [_verdict(verdicts, facts, note)] if verdicts is not None else []
    if run is not None and every is not None and pairings(facts):
        found.append(_builds(run, every, facts))
    found.append(_scaling(frame, facts))
    per_core = frame if every is None else every
    found += [_cpu_per_core(per_core, facts, name) for name in names if facts.workload(name)["heatmap"]]
    found.append(_effective_cores(frame, facts))
    found += [spec for name in names if (spec := _workload(frame, facts, name)) is not None]
    if facts.duels and not frame.empty:
        found.append(_duels(facts))
    return found


def _duels(facts: Facts) -> Spec:
    return Spec(
        DUELS_FIGURE,
        "Duels: contested leaders head to head",
        "Each row one duel: a dot per pair of alternating rounds, the median's interval, the band of equivalence.",
        lambda: duels_figure(facts),
        "no duel held two or more pairs of rounds",
    )


def _verdict(verdicts: list[Verdict], facts: Facts, note: str) -> Spec:
    return Spec(
        VERDICT_FIGURE,
        "The verdict at a glance",
        "Per workload, each executor's best result with its interval; the winner is marked, and no "
        "winner is marked where intervals overlap.",
        lambda: verdict_figure(verdicts, facts, note),
        "no workload has a result to compare",
    )


def _builds(run: dict[str, Any], every: pd.DataFrame, facts: Facts) -> Spec:
    labels = ", ".join(f"{pairing.gil} and {pairing.free}" for pairing in pairings(facts))
    return Spec(
        BUILDS_FIGURE,
        "Switching builds at a glance",
        f"Per workload, the fastest configuration under each build ({labels}) and sequential, as median round "
        "times with their intervals: the figures behind the verdict's paragraphs across builds.",
        lambda: builds_figure(run, every, facts),
        "no workload timed in rounds ran under both builds",
    )


def _scaling(frame: pd.DataFrame, facts: Facts) -> Spec:
    return Spec(
        SCALING,
        "Scaling: speedup against sequential",
        "*paired* = the median of per-round ratios, each round measured right beside a sequential round; "
        "*ratio of medians* = sequential median / case median, measured at different times.",
        lambda: scaling_figure(frame, facts),
        "no workload has both a sequential baseline and other executors to compare with it",
    )


def _cpu_per_core(frame: pd.DataFrame, facts: Facts, name: str) -> Spec:
    several = len(facts.pythons) > 1
    labels = ", ".join(str(python.get("label")) for python in facts.pythons)
    return Spec(
        f"cpu_per_core-{slug(name)}",
        f"CPU per core, {name}: the GIL picture",
        f"Per-core CPU % (whole machine) during the measured rounds of {name} at its largest worker "
        "count. Under the GIL, threads running Python code add up to about one core; processes use "
        "every core."
        + (
            f" A column per interpreter ({labels}): on a free-threaded build without its GIL, threads can use "
            "every core too."
            if several
            else ""
        ),
        lambda: cpu_per_core_figure(frame, facts, name),
        f"no {name} case has per-core samples (sampling off, or rounds shorter than the interval)",
    )


def _effective_cores(frame: pd.DataFrame, facts: Facts) -> Spec:
    return Spec(
        "effective_cores",
        "Effective cores",
        "CPU seconds of the worker's process tree per wall second.",
        lambda: effective_cores_figure(frame, facts),
        "no case has effective cores (sampling off, or rounds too short to sample)",
    )


def _workload(frame: pd.DataFrame, facts: Facts, name: str) -> Spec | None:
    """The figure a workload's own ``figure`` kind asks for, or None (its kind is drawn in a figure of several)."""
    about = facts.workload(name)
    own = OWN_FIGURES.get(about["figure"])
    if own is None:
        return None
    build = own.build
    return Spec(
        slug(name),
        f"{name}: {own.heading}",
        own.note(about),
        lambda: build(frame, facts, name),
        f"no {name} case {own.needs}",
    )
