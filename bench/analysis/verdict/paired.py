"""The judge of a workload timed against sequential (``PAIRED``): its best speedup per executor, its cores.

Each speedup is the median of per-round ratios, each round measured right
beside a sequential round in the same process (DESIGN decision 7); a ratio of
medians measured at different times stands in where no pairs were saved, and
the verdict says it is less sure. Leaders whose intervals overlap are settled by
the run's duels (``contest``); a case faster than its cores allow is set aside
(``physics``); a leader whose rounds other programs' load distorted is named,
and no winner is called (``busy``).
"""

from __future__ import annotations

import pandas as pd

from ... import BASELINE, stats
from ...vocabulary import A_WINS, B_WINS, EQUIVALENT, THREAD
from . import busy, duels, physics
from .aspects import aspects
from .contest import Contest, settle
from .model import RATIO, Best, Estimate, Group, Verdict, cores_of
from .phrases import joined, times
from .trust import trust

SLOW_CORES = 0.8  # speed per core kept under this: the cores slow each other down (shared, hyper-threaded, memory)


WAITS = 1.5  # a speedup this many times the cores used: the work mostly waits


def speedup_estimate(row: pd.Series, base: pd.Series | None) -> tuple[Estimate | None, bool]:
    """(the case's speedup with its interval, whether it is paired); a ratio of medians where no pairs were saved."""
    ratios = [list(ratios) for ratios in row["ratios_by_pass"]]
    if stats.independent_units(ratios):
        return Estimate(*stats.median_interval(ratios)), True
    if (
        base is not None
        and stats.independent_units(row["data_by_pass"])
        and stats.independent_units(base["data_by_pass"])
    ):
        return Estimate(*stats.ratio_interval(row["data_by_pass"], base["data_by_pass"])), False
    return None, False


def _bests(group: Group, base: pd.Series | None) -> tuple[list[Best], dict[str, pd.Series], bool]:
    """Each executor's best case by its speedup, the rows behind them, and whether any speedup is unpaired."""
    found: list[Best] = []
    chosen: dict[str, pd.Series] = {}
    unpaired = False
    for executor, by in group.by_executor(group.rows[group.rows["executor"] != BASELINE]):
        estimates = [(row, *speedup_estimate(row, base)) for _, row in by.iterrows()]
        usable = [(row, estimate, pair) for row, estimate, pair in estimates if estimate is not None]
        if not usable:
            continue
        row, estimate, pair = max(usable, key=lambda item: item[1].value)
        unpaired = unpaired or not pair
        found.append(Best(executor, int(row["workers"]), estimate, cores_of(row["effective_cores"])))
        chosen[executor] = row
    return found, chosen, unpaired


def paired(group: Group) -> Verdict:
    """Judged by the paired speedup against sequential: the best of each executor, its cores, what held it back."""
    base_rows = group.rows[group.rows["executor"] == BASELINE]
    base = base_rows.iloc[0] if not base_rows.empty else None
    found, chosen, unpaired = _bests(group, base)
    if not found:
        missing = "only sequential finished" if base is not None else "no case has a speedup against sequential"
        return group.verdict([f"nothing to compare: {missing}.", trust(group, [])])
    sequential = Best(
        BASELINE, 1, Estimate(1.0, 1.0, 1.0), cores_of(base["effective_cores"]) if base is not None else None, True
    )
    beyond = [best for best in found if physics.beyond_cores(group, best)]
    ranked = sorted([b for b in found if b not in beyond] or found, key=lambda best: -best.estimate.value)
    top = ranked[0]
    contenders = [top, *(b for b in ranked[1:] if b.estimate.overlaps(top.estimate))]
    distorted = busy.sentence(group)
    if distorted:
        text: list[str] = [distorted, *_as_measured(top)]
        winners: list[str] = []
    else:
        text, winners = _paired_head(group, settle(group, ranked), sequential)
    one_core = group.facts.usable_cores <= 1 and bool(group.about["core_bound"])
    if one_core:
        text.append("This machine has one usable core: CPU parallelism could not be shown.")
    text += _others(group, ranked, {top.executor, *winners}, one_core)
    text.append(physics.beyond_sentence(beyond))
    if unpaired:
        text.append("(Speedups are ratios of medians measured at different times, not paired: less sure.)")
    lead = next((b for b in ranked if b.executor in winners), top)
    text += aspects(group, [(lead.executor, chosen[lead.executor])], base)
    text += [busy.redone_note(group, bool(distorted)), trust(group, [lead, *contenders[1:]], said_busy=bool(distorted))]
    return group.verdict(
        text, measure=f"speedup against sequential {RATIO}", best=(sequential, *found), winners=tuple(winners)
    )


def _as_measured(top: Best) -> list[str]:
    return [
        f"No winner is called on rounds that load distorted: as measured, the best was {top.executor} at "
        f"{top.where}, {times(top)} ({top.estimate.interval()})."
    ]


def _against_sequential(top: Best, duel: duels.Duel | None) -> tuple[list[str], list[str]] | None:
    """The head when the leader's interval includes 1x: the duel with sequential decides, else "not clearly"."""
    if duel is not None and duel.outcome == A_WINS:
        return None  # the duel shows it faster than sequential: the usual head, with the duel quoted
    if duel is None and top.estimate.high < 1:
        return [f"sequential is fastest: no executor beats it; the best, {top.executor}, reaches {times(top)}."], [
            BASELINE
        ]
    if duel is None:
        return [
            f"no executor is clearly faster than sequential: the best, {top.executor} at {top.where}, "
            f"{times(top)} ({top.estimate.interval()}): its interval includes 1x."
        ], []
    if duel.outcome == B_WINS:
        return [f"sequential is fastest: no executor beats it. {duel.sentence()}"], [BASELINE]
    if duel.outcome == EQUIVALENT:
        return [f"no executor beats sequential: the best, {top.executor}, is no faster. {duel.sentence()}"], [
            BASELINE,
            top.executor,
        ]
    return [f"no executor is shown faster than sequential. {duel.sentence()}"], []


def _paired_head(group: Group, contest: Contest, sequential: Best) -> tuple[list[str], list[str]]:
    """The first sentences (who wins, by how much, on how many cores, what decided it) and the winners named."""
    top = contest.top
    with_sequential = duels.between(group, top, sequential)
    if with_sequential is None and stats.within(top.estimate.low, top.estimate.high):
        return [
            f"no executor differs from sequential by {stats.EQUIVALENCE:.0%} or more: the best, {top.executor} at "
            f"{top.where}, {times(top)} ({top.estimate.interval()})."
        ], [BASELINE, top.executor]
    if top.estimate.low <= 1:
        against = _against_sequential(top, with_sequential)
        if against is not None:
            return against
        if with_sequential is not None:  # a duel showed the leader faster than sequential: quoted
            contest.said.append(with_sequential.sentence())
    cores = f", using {top.effective_cores:.2f} cores" if top.effective_cores is not None else ""
    if contest.open:
        everyone = [top, *contest.open, *contest.equivalent]
        listed = joined([f"{best.executor} ({times(best)} at {best.where})" for best in everyone])
        if contest.cores_conflict:
            return [f"not decided between {listed}.", *contest.said], []
        return [f"no clear winner between {listed}: not told apart.", *contest.said, *_split(top)], [
            best.executor for best in everyone
        ]
    if contest.equivalent:
        everyone = [top, *contest.equivalent]
        listed = joined([f"{best.executor} ({times(best)} at {best.where})" for best in everyone])
        return [f"{listed}, equivalent at the top.", *contest.said, *_split(top)], [b.executor for b in everyone]
    head = f"{top.executor}, {times(top)} at {top.where} ({top.estimate.interval()}){cores}."
    return [head, *contest.said, *_split(top)], [top.executor]


def _split(best: Best) -> list[str]:
    """A speedup's two causes, where they tell a story: cores used, and the speed each core kept."""
    cores, speedup = best.effective_cores, best.estimate.value
    if cores is None or cores <= 0:
        return []
    if cores >= physics.MANY_CORES and speedup / cores < SLOW_CORES:
        return [
            f"The cores of this machine slow each other down: {cores:.1f} cores used, {speedup:.1f}x gained "
            f"(each kept about {speedup / cores:.0%} of its speed)."
        ]
    if speedup >= WAITS * max(cores, 1.0):
        return [f"The work mostly waits: {speedup:.1f}x on {cores:.2f} cores."]
    return []


def _others(group: Group, ranked: list[Best], named: set[str], one_core: bool) -> list[str]:
    """The executors that lost, said by why: slower than sequential, or stuck on one core."""
    rest = [best for best in ranked if best.executor not in named]
    # slower by more than the margin: 0.99x with an interval under 1 is no difference worth naming
    slower = [best for best in rest if best.estimate.high < 1 / (1 + stats.EQUIVALENCE)]
    text = []
    if slower:
        listed = joined([f"{best.executor} ({times(best)})" for best in slower])
        text.append(f"{listed} {'is' if len(slower) == 1 else 'are'} slower than sequential even at best.")
    stuck = [
        best
        for best in rest
        if best not in slower
        and best.effective_cores is not None
        and best.effective_cores < physics.ONE_CORE
        and best.estimate.value < physics.ONE_CORE
    ]
    if stuck and not one_core and group.about["core_bound"]:
        listed = joined([f"{best.executor} {times(best)} on {best.effective_cores:.2f} cores" for best in stuck])
        gil = group.facts.machine.get("gil_enabled") and any(
            group.facts.unit_of(best.executor) == THREAD for best in stuck
        )
        stay = "stays" if len(stuck) == 1 else "stay"
        text.append(
            f"{listed} {stay} on about one core: no CPU parallelism"
            + (" (threads take turns under the GIL)." if gil else ".")
        )
    return text
