"""The verdict: for each workload of a run, which model wins on this machine, in words, with its confidence.

A newcomer asks one question ("threads, processes or coroutines, for this work,
here?") and should not have to dig the answer out of tables. Each paragraph is
built from the saved figures only, never from canned text about a workload, and
what decides comes from the workload's own facts (``judged_by``): ``JUDGES`` maps
each kind of judgement to one function, so a new kind is one function more, and a
kind this module does not know gets a generic judgement by throughput (or time)
rather than a crash. Executors are known by their facts too (unit, colour, rank),
so one this module has never heard of is judged like any other.

Confidence: each figure that decides comes with a ``stats.CONFIDENCE`` interval
from ``stats.median_interval``, the two-level bootstrap (passes, then rounds
within them). Two results whose intervals overlap are called a tie, never a win.
With one pass per case the intervals see round-to-round noise only, and
``confidence_note`` says so. Unstable and failed cases are named, with what they
weaken: the figures that decide, or only the rest.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .. import BASELINE, stats
from . import memory
from .table import KEY, Facts, by_executor, cases, workload_params

ONE_CORE = 1.3  # effective cores (and speedup) under this: the executor ran on about one core
MANY_CORES = 1.5  # effective cores from which "speed each core kept" means something
SLOW_CORES = 0.8  # speed per core kept under this: the cores slow each other down (shared, hyper-threaded, memory)
WAITS = 1.5  # a speedup this many times the cores used: the work mostly waits
SHOWN_OTHERS = 3  # executors named after the winner, at most


@dataclass(frozen=True)
class Estimate:
    """A figure and its interval."""

    value: float
    low: float
    high: float

    def overlaps(self, other: Estimate) -> bool:
        return self.low <= other.high and other.low <= self.high

    def interval(self, spec: str = ".2f") -> str:
        return f"{stats.CONFIDENCE:.0%} CI {self.low:{spec}}-{self.high:{spec}}"


@dataclass(frozen=True)
class Best:
    """One executor's best case on a workload: the figure that decides and what explains it."""

    executor: str
    workers: int
    estimate: Estimate
    effective_cores: float | None = None
    baseline: bool = False  # the reference itself (sequential), drawn for comparison

    @property
    def where(self) -> str:
        return f"{self.workers} worker" + ("s" if self.workers != 1 else "")


@dataclass(frozen=True)
class Verdict:
    """The verdict on one workload (one parameter set, one interpreter): a paragraph and what verdict.png draws."""

    label: str  # the workload's name, with its parameters or interpreter where the run holds several
    description: str  # the workload in words (its own ``describe``)
    text: str
    measure: str = ""  # what ``best``'s figures are, for an axis
    higher_is_better: bool = True
    best: tuple[Best, ...] = ()
    winners: tuple[str, ...] = ()  # one: a clear winner; several: tied at the top; none: no clear winner

    def paragraph(self) -> str:
        return f"{self.label}: {self.text}"


@dataclass(frozen=True)
class Group:
    """What a judge sees: the cases of one workload and parameter set, the run's facts, its failed cases."""

    workload: str
    label: str
    rows: pd.DataFrame
    facts: Facts
    failed: tuple[dict[str, Any], ...]

    @property
    def about(self) -> dict[str, Any]:
        return self.facts.workload(self.workload)

    def by_executor(self, rows: pd.DataFrame | None = None) -> list[tuple[str, pd.DataFrame]]:
        return by_executor(self.rows if rows is None else rows, self.facts)

    def verdict(self, text: list[str], **fields: Any) -> Verdict:
        return Verdict(self.label, str(self.about["description"]), " ".join(part for part in text if part), **fields)


Judge = Callable[[Group], Verdict]


# ---- small helpers ---------------------------------------------------------------------------------------------


def _interval(groups: Sequence[Sequence[float]]) -> Estimate | None:
    if not stats.independent_units(groups):
        return None
    return Estimate(*stats.median_interval(groups))


def _names(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _x(best: Best) -> str:
    return f"{best.estimate.value:.2f}x"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("s" if count != 1 else "")


def _cores(value: Any) -> float | None:
    return float(value) if value is not None and pd.notna(value) else None


# ---- paired: speedup against sequential, measured beside each round --------------------------------------------


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


def paired(group: Group) -> Verdict:
    """Judged by the paired speedup against sequential: the best of each executor, its cores, what held it back."""
    rows = group.rows
    base_rows = rows[rows["executor"] == BASELINE]
    base = base_rows.iloc[0] if not base_rows.empty else None
    found: list[Best] = []
    chosen: dict[str, pd.Series] = {}
    unpaired = False
    for executor, by in group.by_executor(rows[rows["executor"] != BASELINE]):
        estimates = [(row, *speedup_estimate(row, base)) for _, row in by.iterrows()]
        usable = [(row, estimate, pair) for row, estimate, pair in estimates if estimate is not None]
        if not usable:
            continue
        row, estimate, pair = max(usable, key=lambda item: item[1].value)
        unpaired = unpaired or not pair
        found.append(Best(executor, int(row["workers"]), estimate, _cores(row["effective_cores"])))
        chosen[executor] = row
    if not found:
        missing = "only sequential finished" if base is not None else "no case has a speedup against sequential"
        return group.verdict([f"nothing to compare: {missing}.", trust(group, [])])
    ranked = sorted(found, key=lambda best: -best.estimate.value)
    top = ranked[0]
    tied = [best for best in ranked[1:] if best.estimate.overlaps(top.estimate)]
    text, winners = _paired_head(top, tied)
    one_core = group.facts.usable_cores <= 1 and bool(group.about["core_bound"])
    if one_core:
        text.append("This machine has one usable core: CPU parallelism could not be shown.")
    text += _others(group, ranked, {top.executor, *winners}, one_core)
    if unpaired:
        text.append("(Speedups are ratios of medians measured at different times, not paired: less sure.)")
    text += aspects(group, [(top.executor, chosen[top.executor])], base)
    text.append(trust(group, [top, *tied]))
    sequential = Best(
        BASELINE, 1, Estimate(1.0, 1.0, 1.0), _cores(base["effective_cores"]) if base is not None else None, True
    )
    return group.verdict(
        text, measure="speedup against sequential (x)", best=(sequential, *found), winners=tuple(winners)
    )


def _paired_head(top: Best, tied: list[Best]) -> tuple[list[str], list[str]]:
    """The first sentence (who wins, by how much, on how many cores) and the winners it names."""
    if top.estimate.high < 1:
        return [f"sequential is fastest: no executor beats it; the best, {top.executor}, reaches {_x(top)}."], [
            BASELINE
        ]
    if top.estimate.low <= 1:
        return [
            f"no executor is clearly faster than sequential: the best, {top.executor} at {top.where}, "
            f"{_x(top)} ({top.estimate.interval()}): its interval includes 1x."
        ], []
    cores = f", using {top.effective_cores:.2f} cores" if top.effective_cores is not None else ""
    if tied:
        everyone = [top, *tied]
        listed = _names([f"{best.executor} ({_x(best)} at {best.where})" for best in everyone])
        head = f"no clear winner between {listed}: their intervals overlap."
        return [head, *_split(top)], [best.executor for best in everyone]
    head = f"{top.executor}, {_x(top)} at {top.where} ({top.estimate.interval()}){cores}."
    return [head, *_split(top)], [top.executor]


def _split(best: Best) -> list[str]:
    """A speedup's two causes, where they tell a story: cores used, and the speed each core kept."""
    cores, speedup = best.effective_cores, best.estimate.value
    if cores is None or cores <= 0:
        return []
    if cores >= MANY_CORES and speedup / cores < SLOW_CORES:
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
    slower = [best for best in rest if best.estimate.high < 1]
    text = []
    if slower:
        listed = _names([f"{best.executor} ({_x(best)})" for best in slower])
        text.append(f"{listed} {'is' if len(slower) == 1 else 'are'} slower than sequential even at best.")
    stuck = [
        best
        for best in rest
        if best not in slower
        and best.effective_cores is not None
        and best.effective_cores < ONE_CORE
        and best.estimate.value < ONE_CORE
    ]
    if stuck and not one_core and group.about["core_bound"]:
        listed = _names([f"{best.executor} {_x(best)} on {best.effective_cores:.2f} cores" for best in stuck])
        gil = group.facts.machine.get("gil_enabled") and any(
            group.facts.unit_of(best.executor) == "thread" for best in stuck
        )
        stay = "stays" if len(stuck) == 1 else "stay"
        text.append(
            f"{listed} {stay} on about one core: no CPU parallelism"
            + (" (threads take turns under the GIL)." if gil else ".")
        )
    return text


# ---- ideal: measured time against the time the work would take with no overhead -------------------------------


def _time_estimate(row: pd.Series) -> Estimate | None:
    """The case's median round over its ideal time, with its interval."""
    found = _interval(row["data_by_pass"])
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
        text.append(f"Not run at {top_level}: {_names(reached)}.")
    chosen = [
        (b.executor, rows[(rows["executor"] == b.executor) & (rows["workers"] == top_level)].iloc[0]) for b in best
    ]
    text += aspects(group, chosen, None, at=top_level)
    text.append(trust(group, [b for b in best if b.executor in winners] or best[:1]))
    return group.verdict(
        text,
        measure=f"measured / ideal time at concurrency {top_level} (x)",
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
            best.append(Best(executor, level, estimate, _cores(by.iloc[0]["effective_cores"])))
    if not best:
        return [], [], []
    ranked = sorted(best, key=lambda b: b.estimate.value)
    lead = ranked[0]
    tied = [b for b in ranked[1:] if b.estimate.overlaps(lead.estimate)]
    ideal = float(here["ideal_s"].median())
    at = f"at concurrency {level}" if first else f"At {level}"
    if tied:
        listed = _names([f"{b.executor} {_x(b)}" for b in [lead, *tied]])
        sentence = f"{at}, no clear winner between {listed} of the ideal {ideal:.3g} s."
        return [sentence], best, [lead.executor, *(b.executor for b in tied)]
    behind = ranked[1 : 1 + SHOWN_OTHERS]
    after = f", ahead of {_names([f'{b.executor} {_x(b)}' for b in behind])}" if behind else ""
    if first:
        sentence = (
            f"{lead.executor} comes closest to the ideal {ideal:.3g} s {at}: "
            f"{_x(lead)} ({lead.estimate.interval()}){after}."
        )
    else:
        sentence = f"{at}, {lead.executor} leads with {_x(lead)} of the ideal {ideal:.3g} s{after}."
    return [sentence], best, [lead.executor]


# ---- a kind of judgement this module does not know --------------------------------------------------------------


def generic(group: Group) -> Verdict:
    """By throughput where the cases have one (else by time): what every case has, whatever judges it."""
    kind = str(group.about["judged_by"])
    rows = group.rows.dropna(subset=["median_s"])
    by_throughput = rows["throughput"].notna().any()
    found: list[Best] = []
    for executor, by in group.by_executor(rows):
        fastest = by.sort_values("median_s")
        row = (by.sort_values("throughput", ascending=False) if by_throughput else fastest).iloc[0]
        time = _interval(row["data_by_pass"]) or Estimate(row["median_s"], row["median_s"], row["median_s"])
        if by_throughput and pd.notna(row["throughput"]):
            amount = float(row["throughput"]) * float(row["median_s"])
            estimate = Estimate(amount / time.value, amount / time.high, amount / time.low)
        else:
            estimate = time
        found.append(Best(executor, int(row["workers"]), estimate, _cores(row["effective_cores"])))
    unknown = f"judged by {kind!r}, which this report cannot read yet; " if kind not in JUDGES else ""
    if not found:
        return group.verdict([f"{unknown}no case has a figure to compare.", trust(group, [])])
    higher = bool(by_throughput)
    ranked = sorted(found, key=lambda b: -b.estimate.value if higher else b.estimate.value)
    lead = ranked[0]
    tied = [b for b in ranked[1:] if b.estimate.overlaps(lead.estimate)]
    unit = str(rows["unit"].iloc[0] or "per second") if higher else "s per round"
    spec = ",.0f" if higher else ".4f"
    measure = "throughput" if higher else "time per round"
    if tied:
        listed = _names([f"{b.executor} ({b.estimate.value:{spec}} at {b.where})" for b in [lead, *tied]])
        head = f"{unknown}by {measure}, no clear winner between {listed} {unit}."
        winners = [lead.executor, *(b.executor for b in tied)]
    else:
        head = (
            f"{unknown}by {measure}, {lead.executor} leads: {lead.estimate.value:{spec}} {unit} at {lead.where} "
            f"({lead.estimate.interval(spec)})."
        )
        winners = [lead.executor]
    text = [head[0].upper() + head[1:], trust(group, [lead, *tied])]
    return group.verdict(
        text, measure=f"{measure} ({unit})", higher_is_better=higher, best=tuple(found), winners=tuple(winners)
    )


# ---- cost, race, latency: what a workload timed inside its rounds, per kind (``measures``) ----------------------
#
# These figures are medians over the rounds of each case, measured by the workload itself (a switch, a start, a
# message; lost updates; a request's latency). There is no interval per kind, so no executor is called the
# winner over another it is close to: the sentences give values, and say how far apart the extremes are.

MEASURED_NOTE = "(medians over the rounds, measured inside them; no interval per kind)"
CLOSE = 1.5  # the cheapest and the next within this factor: "about as cheap"


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
    return f"Not measured: {_names(notes)}." if notes else ""


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
        text.append(f"Each model at its cheapest: {_names(listed)} {unit}.")
    for other in measures[1:]:
        more = sorted(_values(group, other["name"]), key=lambda item: item[3])
        if more:
            text.append(
                f"{other['title']}: {_names([f'{e} {k} {_fmt(v)}' for e, _, k, v in more[: SHOWN_OTHERS + 1]])}"
                f"{' ...' if len(more) > SHOWN_OTHERS + 1 else ''} {other['unit']}."
            )
    text += [_not_measured(group), trust(group, [])]
    best = tuple(
        Best(executor, workers, Estimate(value, value, value)) for executor, (workers, _, value) in best_of.items()
    )
    return group.verdict(text, measure=f"{unit}, cheapest kind", higher_is_better=not lower, best=best, winners=(e1,))


def race(group: Group) -> Verdict:
    """Judged by a shared counter: the updates lost without a lock, and what a lock costs, uncontended and not."""
    lost = _values(group, "lost_share")
    rates = _values(group, "increments_per_s")
    if not lost or not rates:
        return generic(group)
    top = int(group.rows["workers"].max())
    unlocked = [(e, w, v) for e, w, k, v in lost if k == "none" and w == top]
    losing = [f"{e} {v:.0f}%" for e, _, v in sorted(unlocked, key=lambda item: -item[2]) if v > 0]
    safe = [e for e, _, v in unlocked if v == 0]
    text = []
    if losing:
        text.append(f"Without a lock, at {_plural(top, 'unit')}: {_names(losing)} of the updates were lost.")
    if safe:
        text.append(f"{_names(safe)} lost none without a lock at {_plural(top, 'unit')} (the race did not strike).")
    locked = [(e, w, k, v) for e, w, k, v in rates if k != "none"]
    uncontended = {(e, k): v for e, w, k, v in locked if w == 1}
    contended = {(e, k): v for e, w, k, v in locked if w == top}
    pairs = [
        f"{e} {k} {_fmt(uncontended[(e, k)])} alone, {_fmt(contended[(e, k)])} shared by {top}"
        for e, k in uncontended
        if (e, k) in contended and k == "lock"
    ]
    if pairs and top > 1:
        text.append(f"What a Lock costs, increments/s: {_names(pairs)}.")
    fastest = max(locked, key=lambda item: item[3]) if locked else None
    if fastest is not None:
        text.append(
            f"Fastest safe counting: {fastest[0]} with {fastest[2]} at {_plural(fastest[1], 'unit')}, "
            f"{_fmt(fastest[3])} increments/s {MEASURED_NOTE}."
        )
    text += [_not_measured(group), trust(group, [])]
    best: dict[str, Best] = {}
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
    values = _values(group, "latency_ms")
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
        listed = [
            f"{e} {_fmt(v.get('p50', float('nan')))}/{_fmt(v.get('p99', float('nan')))}" for e, v in alone.items()
        ]
        text.append(f"Alone ({_plural(low - 1, 'busy unit')} beside it), a request's p50/p99: {_names(listed)} ms.")
    if busy and top != low:
        ranked = sorted(busy.items(), key=lambda item: item[1].get("p99", float("inf")))
        listed = [f"{e} {_fmt(v.get('p50', float('nan')))}/{_fmt(v.get('p99', float('nan')))}" for e, v in ranked]
        text.append(
            f"With {_plural(top - 1, 'busy unit')} beside it: {_names(listed)} ms; "
            f"{ranked[0][0]} keeps it shortest {MEASURED_NOTE}."
        )
    text += [_not_measured(group), trust(group, [])]
    chosen = busy or alone
    best = tuple(
        Best(e, top if busy else low, Estimate(v["p99"], v["p99"], v["p99"])) for e, v in chosen.items() if "p99" in v
    )
    winner = min(best, key=lambda b: b.estimate.value).executor if best else ""
    return group.verdict(
        text,
        measure=f"p99 latency (ms) with {_plural((top if busy else low) - 1, 'busy unit')} beside it",
        higher_is_better=False,
        best=best,
        winners=(winner,) if winner else (),
    )


#: How each kind of judgement (a workload's ``judged_by`` fact) is made: add a kind by adding a function here.
JUDGES: dict[str, Judge] = {"paired": paired, "ideal": against_ideal, "cost": cost, "race": race, "latency": latency}


# ---- what else the workload's facts ask for, and how far to trust it all ---------------------------------------


def aspects(
    group: Group, chosen: list[tuple[str, pd.Series]], base: pd.Series | None, at: int | None = None
) -> list[str]:
    """Throughput, latency and memory per added unit, where the workload's facts say they matter."""
    about, text = group.about, []
    if about["figure"] == "throughput" and chosen and pd.notna(chosen[0][1]["throughput"]):
        executor, row = chosen[0]
        against = (
            f" against sequential's {base['throughput']:,.0f}"
            if base is not None and pd.notna(base["throughput"])
            else ""
        )
        text.append(f"Throughput: {executor} {row['throughput']:,.0f} {row['unit']}{against}.")
    latency = [(executor, row) for executor, row in chosen if pd.notna(row["p50"]) and pd.notna(row["p99"])]
    if about["latency"] and latency:
        where = f" at {at}" if at is not None else ""
        listed = _names([f"{executor} {row['p50']:.0f}/{row['p99']:.0f} ms" for executor, row in latency])
        text.append(f"Latency p50/p99{where}: {listed}.")
    if not about["core_bound"]:
        text += _memory(group)
    return text


def _memory(group: Group) -> list[str]:
    costs = []
    for executor, by in group.by_executor(group.rows[group.rows["executor"] != BASELINE]):
        slope = memory.added_unit_cost(by)
        if slope is not None and slope.meaningful:
            costs.append(
                (
                    slope.per_unit,
                    f"{executor} {slope.per_unit / 1024:,.0f} KiB per {group.facts.unit_of(executor)}",
                )
            )
    if not costs:
        return []
    return [f"Memory per added unit (slope over the worker counts): {_names([text for _, text in sorted(costs)])}."]


def _case(row: pd.Series | dict[str, Any]) -> str:
    workers = int(row.get("workers", 0) or 0)
    return f"{row.get('executor', '?')} at {_plural(workers, 'worker')}"


def trust(group: Group, deciding: list[Best]) -> str:
    """Which cases were unstable or failed, and whether they are the ones the verdict rests on."""
    decides = {(best.executor, best.workers) for best in deciding if not best.baseline}
    unstable = group.rows[group.rows["unstable"].map(bool)]
    mine = [row for _, row in unstable.iterrows() if (row["executor"], int(row["workers"])) in decides]
    parts = []
    if mine:
        reason = str(mine[0]["unstable"][0])
        parts.append(
            f"{_names([_case(row) for row in mine])}, which the verdict rests on, "
            f"{'was' if len(mine) == 1 else 'were'} unstable: {reason}"
        )
    if len(unstable) > len(mine):
        others = len(unstable) - len(mine)
        parts.append(f"{_plural(others, 'other case')} unstable (not deciding)")
    if group.failed:
        failed = [_case(entry.get("params") or {}) for entry in group.failed]
        ran = set(group.rows["executor"])
        lost = sorted({str((entry.get("params") or {}).get("executor", "?")) for entry in group.failed} - ran)
        lost_text = f"; {_names(lost)} could not be judged at all" if lost else ""
        them = "it" if len(failed) == 1 else "them"
        parts.append(f"{_names(failed)} failed, and the verdict cannot speak for {them}{lost_text}")
    return f"Less sure: {'; '.join(parts)}." if parts else ""


# ---- the verdicts of a run -------------------------------------------------------------------------------------


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
            group = Group(workload, label, rows, facts, _failed_of(failed, workload, str(given["params"])))
            found.append(JUDGES.get(str(group.about["judged_by"]), generic)(group))
    for workload in facts.workloads:
        if workload not in judged:
            lost = [entry for entry in failed if str((entry.get("params") or {}).get("workload")) == workload]
            why = f"{_plural(len(lost), 'case')} failed" if lost else "none ran"
            description = str(facts.workload(workload)["description"])
            found.append(Verdict(workload, description, f"no case finished ({why}): no verdict."))
    return found


def confidence_note(frame: pd.DataFrame) -> str:
    """What the intervals can see: with one pass, round-to-round noise only."""
    passes = int(frame["passes"].max()) if not frame.empty else 1
    note = (
        f"Intervals: {stats.CONFIDENCE:.0%} bootstrap intervals of the median, resampling passes, then rounds "
        "within them; two results whose intervals overlap are not told apart."
    )
    if passes <= 1:
        return note + (
            " This run has one pass (one worker process per case), so they see round-to-round noise only, not "
            "the variation between processes: --passes 3 (or higher) measures that too."
        )
    return note + f" Cases ran in {passes} passes (independent processes)."


def as_text(found: list[Verdict], note: str, width: int = 100) -> str:
    """The verdicts for a terminal: one wrapped paragraph each, then what the intervals can see."""
    paragraphs = [textwrap.fill(v.paragraph(), width, subsequent_indent="  ") for v in found]
    return "\n".join([*paragraphs, textwrap.fill(note, width)])
