"""The figures of a case that can be set side by side (two runs, two interpreters), and how a difference is judged.

A case's figures are of two kinds (DESIGN decisions 7 and 8):

- **paired**: the speedup (each round over the sequential round right beside it, in
  the same process), the effective cores (CPU seconds over wall seconds of the same
  rounds) and the time against the ideal. The machine's speed phases cancel in
  them, so they can be compared between runs made at different times;
- **time**: the absolute round time, which carries whatever phase the machine was
  in. Between separate runs it is exposed to drift; between interpreters driven
  side by side in one run (``--python``) the drift is shared.

Each figure comes as values per independent unit (a pass: its own worker
processes), each unit's values per round, and intervals resample passes, then
rounds (``bench.stats``). Rounds of one process share its luck, so with one pass
an interval sees round-to-round noise only, never process-to-process variation
(two processes here differed by up to 20% on the same loop, and the paired
speedup of processes at 2 workers came out 1.77-1.90 in five runs). Hence:

- a time difference is called only with two passes or more on each side; except
  between interpreters driven side by side in one run (their drift shared), where one
  pass calls a difference whose whole interval lies beyond ``PROCESS_MARGIN`` (20%);
- with one pass, a paired figure is called changed only when its whole interval
  lies beyond ``ONE_PASS_MARGIN`` (10%): the run-to-run spread of paired figures
  measured here, which one pass cannot see;
- with two passes or more, the two-level interval alone decides.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..stats import independent_units, median_interval, ratio_interval
from ..vocabulary import IDEAL, PAIRED
from .table import Facts

MIN_VALUES = 3  # a bootstrap of fewer values than this gives an interval that means nothing
ONE_PASS_MARGIN = 0.10  # see the module's docstring: run-to-run spread of paired figures that one pass cannot see
PROCESS_MARGIN = 0.20  # ... and how far two processes' round times of the same loop differed here
SAME = "no significant change"
NOT_IN = "not in"


@dataclass(frozen=True)
class Quantity:
    """One comparable figure of a case: how it is named, whether drift cancels in it, what its changes are called."""

    name: str
    label: str
    paired: bool
    up: str  # the verdict when the later figure is higher ...
    down: str  # ... and when it is lower
    spec: str  # format of one value
    suffix: str = ""

    def show(self, value: float) -> str:
        return "" if value is None or not math.isfinite(value) else f"{value:{self.spec}}{self.suffix}"

    def shown(self, value: float, low: float, high: float) -> str:
        """A value with its interval, ``1.23x [1.10x-1.31x]``: the value alone where it has none, "" for none."""
        text = self.show(value)
        if text and not pd.isna(low):
            text += f" [{self.show(low)}-{self.show(high)}]"
        return text


SPEEDUP = Quantity("speedup", "speedup (paired)", True, "higher speedup", "lower speedup", ".2f", "x")
CORES = Quantity("effective_cores", "effective cores", True, "more cores", "fewer cores", ".2f")
VS_IDEAL = Quantity("vs_ideal", "time / ideal", True, "slower", "faster", ".2f", "x")
TIME = Quantity("time", "round time (s)", False, "slower", "faster", ".4f")
QUANTITIES = {q.name: q for q in (SPEEDUP, CORES, VS_IDEAL, TIME)}


def groups(case: pd.Series, quantity: Quantity) -> list[list[float]]:
    """The case's values of ``quantity``, per pass (each pass's values per round); empty where it has none."""
    if quantity is SPEEDUP:
        return _lists(case.get("ratios_by_pass"))
    if quantity is CORES:
        return _lists(case.get("cores_by_pass"))
    data = _lists(case.get("data_by_pass"))
    if quantity is VS_IDEAL:
        ideal = case.get("ideal_s")
        if ideal is None or pd.isna(ideal) or ideal <= 0:
            return []
        return [[value / float(ideal) for value in values] for values in data]
    return data


def _lists(value: Any) -> list[list[float]]:
    if not isinstance(value, list):
        return []
    return [[float(v) for v in values] for values in value if isinstance(values, list) and values]


def applicable(case: pd.Series, facts: Facts) -> list[Quantity]:
    """The figures a case has, paired ones first, in the order a reader looks for them."""
    judged = facts.workload(str(case["workload"]))["judged_by"]
    found = [SPEEDUP] if judged == PAIRED else [VS_IDEAL] if judged == IDEAL else []
    return [q for q in [*found, CORES, TIME] if groups(case, q)]


@dataclass(frozen=True)
class Side:
    """One side's figure: its median over every value, that median's interval, and its independent units."""

    value: float
    low: float
    high: float
    units: int


def side(values: list[list[float]]) -> Side:
    if not values:
        return Side(math.nan, math.nan, math.nan, 0)
    count = sum(len(unit) for unit in values)
    if count < MIN_VALUES:
        pooled = [v for unit in values for v in unit]
        return Side(statistics.median(pooled), math.nan, math.nan, independent_units(values))
    value, low, high = median_interval(values)
    return Side(value, low, high, independent_units(values))


@dataclass(frozen=True)
class Judgement:
    """``other`` against ``base``: the ratio of medians, its interval, the verdict and why it is what it is."""

    ratio: float
    low: float
    high: float
    verdict: str
    note: str = ""

    @property
    def significant(self) -> bool:
        return self.verdict not in (SAME, "") and not self.verdict.startswith(("not ", "too few", "inconclusive"))


#: Verdicts that are not a test's outcome: nothing was called either way.
UNTESTED = ("too few", "inconclusive", "not tested")


def judge(
    quantity: Quantity, base: list[list[float]], other: list[list[float]], time_margin: float | None = None
) -> Judgement:
    """The ratio other/base of ``quantity``'s medians, with its two-level interval and a verdict (module docstring).

    ``time_margin``: round times of one pass are called beyond this margin (interpreters driven side by side
    in one run share the machine's drift, so only process-to-process variation is left unseen); None, never
    (two separate runs: their drift is not shared).
    """
    if not base or not other:
        return Judgement(math.nan, math.nan, math.nan, f"{NOT_IN} both")
    if min(v for unit in base for v in unit) <= 0:  # a ratio to zero (no CPU used at all) is no figure
        return Judgement(math.nan, math.nan, math.nan, "not tested (a zero in the first run)")
    units = min(independent_units(base), independent_units(other))
    ratio, low, high = ratio_interval(base, other)
    if min(sum(map(len, base)), sum(map(len, other))) < MIN_VALUES:
        return Judgement(ratio, math.nan, math.nan, f"too few values to test (under {MIN_VALUES})")
    if low <= 1.0 <= high:
        return Judgement(ratio, low, high, SAME)
    direction = quantity.up if low > 1.0 else quantity.down
    if units >= 2:
        return Judgement(ratio, low, high, direction)
    if not quantity.paired and time_margin is not None:
        margin = 1.0 + time_margin
        if low > margin or high < 1.0 / margin:
            return Judgement(ratio, low, high, direction, f"one pass: beyond the {time_margin:.0%} that processes vary")
        return Judgement(
            ratio, low, high, SAME, f"one pass: within the {time_margin:.0%} that two processes can differ by"
        )
    if not quantity.paired:
        return Judgement(
            ratio,
            low,
            high,
            "inconclusive (one pass)",
            "one pass: the interval cannot see process-to-process variation; run with --passes 3",
        )
    margin = 1.0 + ONE_PASS_MARGIN
    if low > margin or high < 1.0 / margin:
        return Judgement(ratio, low, high, direction, f"one pass: beyond the {ONE_PASS_MARGIN:.0%} margin")
    return Judgement(
        ratio, low, high, SAME, f"one pass: within the {ONE_PASS_MARGIN:.0%} margin that one pass cannot rule out"
    )
