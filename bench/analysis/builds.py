"""A GIL build beside a free-threaded one (``--python 3.13,3.13t``): which cases meet, and how each meeting ends.

People ask one thing of such a run: does switching to the free-threaded build
pay, for this work? That is a meeting of two cases of different builds (the
fastest configuration under each, and sequential under each for what one thread
pays), and a ratio of round times: the builds ran each case back to back in
alternating order (``bench.harness.matrix``), so the machine's drift is shared.

- ``pairings``: each free-threaded build run as its users get it (GIL off unless
  an import turns it on: the ``-nogil`` label) against the GIL build of the same
  version (else the run's first GIL build), with its ``-gil`` twin where the run
  holds it (the same build, PYTHON_GIL=1);
- ``fastest``: a build's configuration with the lowest median round time; a case
  of the free-threaded build whose GIL came back on (``gil_back``) is no
  free-threaded result and is left out of it;
- ``meeting``: B against A, from the duel between the two cases where the run
  holds one (issue 19: rounds alternating A, B, A, B; ``duel_between``), else
  from their rounds in this run (``from_rounds``): with one pass the interval
  sees round-to-round noise only, so a difference is called only beyond
  ``quantities.ONE_PASS_MARGIN``, as compare calls one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .. import BASELINE, stats
from ..vocabulary import A_WINS, B_WINS, UNDECIDED
from .duel_records import Side, find
from .quantities import MIN_VALUES, ONE_PASS_MARGIN, TIME, groups
from .table import Facts, workload_params

A, B = A_WINS, B_WINS  # a meeting's outcomes, as a duel saves them (and EQUIVALENT, UNDECIDED)
ONE_PASS = "one pass"  # how a meeting was reached from the rounds of one pass (the verdict says what that sees)


@dataclass(frozen=True)
class Pairing:
    """The builds set against each other: a GIL build, a free-threaded one without its GIL, and its -gil twin."""

    gil: str
    free: str
    forced: str | None = None  # the free-threaded build with PYTHON_GIL=1, where the run holds it

    @property
    def labels(self) -> list[str]:
        return [self.gil, self.free, *([self.forced] if self.forced else [])]


def _minor(python: Mapping[str, Any]) -> tuple[int, ...]:
    return tuple(int(part) for part in (python.get("version_info") or [])[:2])


def pairings(facts: Facts) -> list[Pairing]:
    """Each free-threaded build (GIL off) with the GIL build of its version (else the first) and its -gil twin."""
    pythons = facts.pythons
    gil = [python for python in pythons if not python.get("free_threaded_build")]
    found = []
    for free in (p for p in pythons if p.get("free_threaded_build") and not p.get("expects_gil")):
        partner = next((p for p in gil if _minor(p) == _minor(free)), gil[0] if gil else None)
        twin = next(
            (p for p in pythons if p.get("free_threaded_build") and p.get("expects_gil") and p["base"] == free["base"]),
            None,
        )
        if partner is not None:
            found.append(Pairing(str(partner["label"]), str(free["label"]), str(twin["label"]) if twin else None))
    return found


Key = tuple[str, str, Side]  # workload, its parameters as text (``table.workload_params``), the case


def gil_back(run: dict[str, Any]) -> dict[Key, list[str]]:
    """The cases whose GIL came back on at run time, with the modules whose import turned it on (as saved)."""
    found: dict[Key, list[str]] = {}
    for entry in run["benchmarks"]:
        extra, params = entry.get("extra_info") or {}, entry.get("params") or {}
        if extra.get("gil_enabled") and extra.get("gil_expected") is False:
            key = (str(params.get("workload")), workload_params(params), Side.of(params))
            named = found.setdefault(key, [])
            named += [module for module in extra.get("gil_enabled_by") or [] if module not in named]
    return found


def fastest(rows: pd.DataFrame) -> pd.Series | None:
    """The case with the lowest median round time (the configuration to choose under that build), or None."""
    timed = rows[rows["median_s"].notna()]
    return None if timed.empty else timed.sort_values("median_s", kind="stable").iloc[0]


@dataclass(frozen=True)
class Meeting:
    """B's round time over A's (above 1: A is faster), its interval, the outcome and how it was reached."""

    ratio: float
    low: float
    high: float
    outcome: str  # A, B, EQUIVALENT or UNDECIDED
    how: str  # "decided in 12 alternating rounds", "3 passes", ``ONE_PASS``, ...
    duel: bool = False

    @property
    def one_pass(self) -> bool:
        return self.how == ONE_PASS

    @property
    def interval(self) -> str:
        shown = "" if math.isnan(self.low) else f"{stats.CONFIDENCE:.0%} CI {self.low:.2f}-{self.high:.2f}; "
        return f"{shown}{self.how}"


def duel_between(run: dict[str, Any], workload: str, params: str, a: Side, b: Side) -> Meeting | None:
    """The saved duel between cases ``a`` and ``b`` of a workload and parameter set, told as B against A; None
    where the run holds none (``machine_info["bench_run"]["duels"]``, in either order)."""
    duels = run["machine_info"].get("bench_run", {}).get("duels") or []
    found = find(duels, workload, params, a, b)
    if found is None:
        return None
    how = f"{'undecided after' if found.outcome == UNDECIDED else 'decided in'} {2 * found.pairs} alternating rounds"
    return Meeting(found.ratio, found.low, found.high, found.outcome, how, duel=True)


def from_rounds(a: pd.Series, b: pd.Series) -> Meeting:
    """B against A from their round times in this run (interleaved): the fallback where no duel was fought."""
    base, other = groups(a, TIME), groups(b, TIME)
    if min(sum(map(len, base)), sum(map(len, other))) < MIN_VALUES:
        ratio = float(b["median_s"]) / float(a["median_s"])
        return Meeting(ratio, math.nan, math.nan, UNDECIDED, f"too few rounds to test (under {MIN_VALUES})")
    ratio, low, high = stats.ratio_interval(base, other)
    passes = min(stats.independent_units(base), stats.independent_units(other))
    margin = 0.0 if passes >= 2 else ONE_PASS_MARGIN
    how = f"{passes} passes" if passes >= 2 else ONE_PASS
    outcome = A if low > 1 + margin else B if high < 1 / (1 + margin) else UNDECIDED
    return Meeting(ratio, low, high, outcome, how)


def meeting(run: dict[str, Any], a: pd.Series, b: pd.Series) -> Meeting:
    """B against A: their duel where the run holds one, else their rounds in this run."""
    workload, params = str(a["workload"]), str(a["params"])
    return duel_between(run, workload, params, Side.of(a), Side.of(b)) or from_rounds(a, b)


@dataclass(frozen=True)
class Chosen:
    """One build's cases that meet another's on a workload: its fastest configuration and its sequential case."""

    label: str
    best: pd.Series | None
    sequential: pd.Series | None


def chosen(rows: pd.DataFrame, pairing: Pairing, back: dict[Key, list[str]]) -> dict[str, Chosen]:
    """Per build of ``pairing``, the cases of one workload and parameter set that meet (GIL-back cases left out)."""
    found = {}
    for label in pairing.labels:
        mine = rows[rows["python"] == label]
        gil_on = [(str(row["workload"]), str(row["params"]), Side.of(row)) in back for _, row in mine.iterrows()]
        kept = mine[~pd.Series(gil_on, index=mine.index, dtype=bool)]
        base = mine[mine["executor"] == BASELINE]
        found[label] = Chosen(label, fastest(kept), base.iloc[0] if not base.empty else None)
    return found
