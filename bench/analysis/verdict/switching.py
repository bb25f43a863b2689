"""Across builds: per workload, what switching from a GIL build to a free-threaded one would change, in words.

A run that holds both (``--python 3.13,3.13t``) gets, after each workload's
verdicts per interpreter, one paragraph per pairing of builds
(``bench.analysis.builds``): whether switching pays (the fastest configuration
under each build and the ratio of their round times, with its interval and how
it was decided: a duel, or the run's own rounds), what a single thread pays for
the free-threaded build (sequential under each), the updates a shared counter
loses without a lock under each build (the races that appear without the GIL),
and the memory per thread under each. Cases of the free-threaded build whose
GIL came back on are named with the module that turned it on, and left out.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ... import BASELINE, stats
from ...vocabulary import EQUIVALENT, LOST_SHARE, NO_LOCK, RACE, THREAD, TIMED
from .. import memory
from ..builds import A, B, Chosen, Key, Meeting, Pairing, chosen, gil_back, meeting, pairings
from ..duel_records import Side
from ..quantities import ONE_PASS_MARGIN
from ..table import Facts
from .model import Verdict
from .phrases import joined, plural

ONE_PASS = (
    "(One pass: the interval of a ratio between builds sees round-to-round noise only, so a difference "
    f"is called only beyond {ONE_PASS_MARGIN:.0%}; --passes 3 sees more.)"
)


def across_builds(run: dict[str, Any], frame: pd.DataFrame, facts: Facts) -> list[Verdict]:
    """One paragraph per workload (and parameter set) and pairing of builds, where the run holds both builds."""
    found: list[Verdict] = []
    back = gil_back(run)
    if frame.empty:
        return found
    for pairing in pairings(facts):
        for (workload, params), rows in frame.groupby(["workload", "params"], sort=False):
            text = paragraph(run, rows, pairing, back, facts)
            if text:
                several = frame[frame["workload"] == workload]["params"].nunique() > 1
                label = f"{workload}{f' ({params})' if several else ''}, {pairing.gil} against {pairing.free}"
                description = str(facts.workload(str(workload))["description"])
                found.append(Verdict(label, description, " ".join(text)))
    return found


def with_builds(found: list[Verdict], run: dict[str, Any], frame: pd.DataFrame, facts: Facts) -> list[Verdict]:
    """The run's verdicts, each workload's paragraphs across builds placed after its last verdict."""
    ordered = list(found)
    for one in across_builds(run, frame, facts):
        workload = one.label.split(",")[0].split(" (")[0]
        last = max((i for i, v in enumerate(ordered) if v.label.split(",")[0].split(" (")[0] == workload), default=-1)
        ordered.insert(last + 1 if last >= 0 else len(ordered), one)
    return ordered


def paragraph(
    run: dict[str, Any], rows: pd.DataFrame, pairing: Pairing, back: dict[Key, list[str]], facts: Facts
) -> list[str]:
    """The sentences of one workload under one pairing of builds (none where the run lacks either build)."""
    under = {label: rows[rows["python"] == label] for label in pairing.labels}
    if under[pairing.gil].empty or under[pairing.free].empty:
        return []
    workload, params = str(rows["workload"].iloc[0]), str(rows["params"].iloc[0])
    mine = {ref: named for (w, p, ref), named in back.items() if (w, p, ref.python) == (workload, params, pairing.free)}
    text = gil_came_back(mine, pairing.free, len(under[pairing.free]))
    if len(mine) == len(under[pairing.free]):
        return text  # nothing free-threaded to set against the GIL build
    judged = facts.workload(workload)["judged_by"]
    meetings: list[Meeting] = []
    if judged in TIMED:
        sides = chosen(rows, pairing, back)
        text += switching(run, sides, pairing, meetings) + single_thread(run, sides, pairing, meetings)
    if judged == RACE:
        text += races(under, pairing)
    text += memory_per_thread(under, pairing, facts, quiet=bool(facts.workload(workload)["core_bound"]))
    if any(one.one_pass for one in meetings):
        text.append(ONE_PASS)
    return text


def gil_came_back(mine: dict[Side, list[str]], free: str, cases: int) -> list[str]:
    """The free-threaded build's cases whose GIL came back on: named, with the modules that did it."""
    if not mine:
        return []
    modules = joined(list(dict.fromkeys(module for named in mine.values() for module in named)) or ["an extension"])
    if len(mine) == cases:
        return [
            f"No free-threaded result: every case of {free} ran with the GIL back on (importing {modules} "
            "turned it on), so nothing here says what the build does without it."
        ]
    listed = joined([ref.where for ref in mine])
    return [
        f"Under {free}, {listed} ran with the GIL back on (importing {modules} turned it on): no free-threaded "
        f"result, left out below."
    ]


def switching(run: dict[str, Any], sides: dict[str, Chosen], pairing: Pairing, meetings: list[Meeting]) -> list[str]:
    """Whether switching pays: the fastest configuration under each build, and the ratio of their round times."""
    gil, free = sides[pairing.gil].best, sides[pairing.free].best
    if gil is None or free is None:
        return []
    met = meeting(run, gil, free)
    meetings.append(met)
    head = {
        B: f"Switching to {pairing.free} pays",
        A: f"Switching to {pairing.free} does not pay",
        EQUIVALENT: f"Switching to {pairing.free} changes nothing measurable",
    }.get(met.outcome, f"Whether switching to {pairing.free} pays is not decided")
    if gil["executor"] == free["executor"] == BASELINE:  # then the single thread's sentence says the rest
        return [f"{head}: {BASELINE} is the fastest configuration under both builds."]
    return [
        f"{head}: {pairing.free}'s fastest configuration, {Side.of(free).where}, takes {met.ratio:.2f}x the time of "
        f"{pairing.gil}'s fastest, {Side.of(gil).where} ({met.interval})."
    ]


def single_thread(
    run: dict[str, Any], sides: dict[str, Chosen], pairing: Pairing, meetings: list[Meeting]
) -> list[str]:
    """What one thread pays for the free-threaded build: sequential under each build."""
    gil, free = sides[pairing.gil].sequential, sides[pairing.free].sequential
    if gil is None or free is None:
        return []
    met = meeting(run, gil, free)
    meetings.append(met)
    took = f"{BASELINE} takes {met.ratio:.2f}x the time under {pairing.free} ({met.interval})"
    if met.outcome == A:
        return [f"A single thread pays for the free-threaded build: {took}."]
    if met.outcome == B:
        return [f"A single thread runs faster on the free-threaded build: {took}."]
    if met.outcome == EQUIVALENT:
        return [f"A single thread runs as fast on either build: {took}, within {stats.EQUIVALENCE:.0%}."]
    return [f"A single thread: {took}, not told apart from {pairing.gil}."]


def _lost(rows: pd.DataFrame) -> dict[str, float]:
    """Per executor, the share of updates lost without a lock at the largest worker count (%)."""
    top = rows[rows["workers"] == rows["workers"].max()]
    found = {}
    for _, row in top.iterrows():
        value = (row["measures"] or {}).get(LOST_SHARE, {}).get(NO_LOCK) if isinstance(row["measures"], dict) else None
        if value is not None and pd.notna(value):
            found[str(row["executor"])] = float(value)
    return found


def _share(value: float) -> str:
    return "none" if value == 0 else f"{value:.2g}%" if value < 1 else f"{value:.0f}%"


def races(under: dict[str, pd.DataFrame], pairing: Pairing) -> list[str]:
    """The updates lost without a lock, per executor and build: the races that appear without the GIL."""
    lost = {label: _lost(rows) for label, rows in under.items() if not rows.empty}
    executors = list(dict.fromkeys(executor for found in lost.values() for executor in found))
    if not executors:
        return []
    top = int(under[pairing.free]["workers"].max())

    def shares(executor: str) -> str:
        found = {label: values[executor] for label, values in lost.items() if executor in values}
        if len(found) > 1 and not any(found.values()):
            return f"{executor} none under {'either' if len(found) == 2 else 'any'} build"
        return f"{executor} {joined([f'{_share(value)} under {label}' for label, value in found.items()])}"

    parts = [shares(executor) for executor in executors]
    appear = [e for e in executors if lost[pairing.free].get(e, 0) > 0 and lost[pairing.gil].get(e, 0) == 0]
    head = (
        f"Races that appear without the GIL: {joined(appear)} lose updates under {pairing.free} and none under "
        f"{pairing.gil}"
        if appear
        else f"No race appears with {pairing.free} that {pairing.gil} does not show"
    )
    return [f"{head}. Updates lost without a lock at {plural(top, 'unit')}: {'; '.join(parts)}."]


def memory_per_thread(under: dict[str, pd.DataFrame], pairing: Pairing, facts: Facts, quiet: bool = False) -> list[str]:
    """Memory per added thread under each build (the slope over the thread counts), where it stands above noise;
    ``quiet``: say nothing where it does not (work bound to the CPU runs few threads: no slope is expected)."""
    slopes = {}
    for label in (pairing.gil, pairing.free):
        rows = under[label]
        threads = rows[rows["executor"].map(lambda name: facts.unit_of(str(name)) == THREAD and name != BASELINE)]
        slopes[label] = memory.added_unit_cost(threads) if not threads.empty else None
    if any(slope is None for slope in slopes.values()):
        return []
    if not all(slope is not None and slope.meaningful for slope in slopes.values()):
        return (
            [] if quiet else ["Memory per thread: not told from noise at these thread counts (under 1 MiB of growth)."]
        )
    listed = [f"{slope.per_unit / 1024:,.0f} KiB under {label}" for label, slope in slopes.items() if slope]
    return [f"Memory per added thread (slope over the thread counts): {joined(listed)}."]
