"""The comparison table: every compared figure of every case, each later run against the first, and the rule
that calls a regression.

Cases match on workload, executor, workers, interpreter label and the
workload's parameters (every ``params`` key but ``pass``); a case in only some
runs is listed, not dropped. Paired figures come first, then the absolute round
times, exposed to drift (DESIGN decision 8). Every ratio is a later run's median
over the first run's, with an interval that resamples passes, then rounds (see
``quantities`` for the rules of a verdict).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .compare_runs import Loaded
from .quantities import NOT_IN, QUANTITIES, Quantity, applicable, groups, judge, side
from .table import KEY, Facts

#: A compared figure's basis: paired (drift within each run cancels), or an absolute time exposed to drift.
PAIRED_BASIS, DRIFT_BASIS = "paired", "exposed to drift"


def _quantities(found: list[pd.Series | None], facts: Facts) -> list[Quantity]:
    """The figures any run has for this case, in the order of ``applicable``."""
    names = {q.name for case in found if case is not None for q in applicable(case, facts)}
    return [q for q in QUANTITIES.values() if q.name in names]


def _row(
    key: tuple[Any, ...], quantity: Quantity, base: Loaded, other: Loaded, cases_: tuple[pd.Series | None, ...]
) -> dict[str, Any]:
    """One compared figure of one case: each side's median and interval, the ratio, its interval and the verdict."""
    first, later = cases_
    base_groups = groups(first, quantity) if first is not None else []
    other_groups = groups(later, quantity) if later is not None else []
    a, b = side(base_groups), side(other_groups)
    missing = [run.label for run, case in ((base, first), (other, later)) if case is None or not groups(case, quantity)]
    judged = judge(quantity, base_groups, other_groups)
    verdict = f"{NOT_IN} {', '.join(missing)}" if missing else judged.verdict
    unstable = any(bool(case["unstable"]) for case in cases_ if case is not None)
    return {
        **dict(zip(KEY, key, strict=True)),
        "figure": quantity.name,
        "basis": PAIRED_BASIS if quantity.paired else DRIFT_BASIS,
        "pair": f"{other.label}/{base.label}",
        "base": base.label,
        "other": other.label,
        "base_value": a.value,
        "base_ci_low": a.low,
        "base_ci_high": a.high,
        "base_passes": a.units,
        "other_value": b.value,
        "other_ci_low": b.low,
        "other_ci_high": b.high,
        "other_passes": b.units,
        "ratio": judged.ratio,
        "ci_low": judged.low,
        "ci_high": judged.high,
        "verdict": verdict,
        "significant": judged.significant and not missing,
        "note": judged.note,
        "unstable": unstable,
    }


def table(runs: list[Loaded]) -> pd.DataFrame:
    """One row per compared figure: case x figure x later run (against the first), paired figures first."""
    indexed = [{tuple(case[KEY]): case for _, case in run.cases.iterrows()} for run in runs]
    keys = list(dict.fromkeys(key for by_key in indexed for key in by_key))
    facts = Facts.merged([run.run for run in runs])
    rows = []
    for key in keys:
        found = [by_key.get(key) for by_key in indexed]
        for quantity in _quantities(found, facts):
            for run, case in zip(runs[1:], found[1:], strict=True):
                rows.append(_row(key, quantity, runs[0], run, (found[0], case)))
    frame = pd.DataFrame(rows)
    frame["rank"] = frame["executor"].map(lambda name: facts.rank(str(name)))
    frame["order"] = frame["figure"].map(list(QUANTITIES).index)
    frame["paired_first"] = frame["basis"] != PAIRED_BASIS
    frame = frame.sort_values(
        ["paired_first", "workload", "params", "workers", "rank", "executor", "python", "order", "pair"], kind="stable"
    )
    return frame.drop(columns=["rank", "order", "paired_first"]).reset_index(drop=True)


def regressions(frame: pd.DataFrame, limit: float) -> pd.DataFrame:
    """Figures significantly slower than the first run's by more than ``limit`` (round times and times vs ideal)."""
    slower = frame["verdict"] == "slower"
    return frame[slower & frame["significant"] & (frame["ratio"] > 1 + limit)]
