"""What a verdict is made of: figures with their intervals, each executor's best, the verdict, a judge's input."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ... import stats
from ..table import Facts, by_executor

RATIO = "(x)"  # in a verdict's measure whose figures are ratios (a speedup, a time over the ideal): read "1.23x"


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

    @property
    def is_ratio(self) -> bool:
        """Whether ``best``'s figures are ratios (against sequential, or the ideal), drawn against a line at 1."""
        return RATIO in self.measure


@dataclass(frozen=True)
class Group:
    """What a judge sees: the cases of one workload and parameter set, the run's facts, its failed cases."""

    workload: str
    label: str
    rows: pd.DataFrame
    facts: Facts
    failed: tuple[dict[str, Any], ...]
    python: str = ""  # the interpreter's label in a --python run ("" the harness's own)

    @property
    def about(self) -> dict[str, Any]:
        return self.facts.workload(self.workload)

    def by_executor(self, rows: pd.DataFrame | None = None) -> list[tuple[str, pd.DataFrame]]:
        return by_executor(self.rows if rows is None else rows, self.facts)

    def verdict(self, text: list[str], **fields: Any) -> Verdict:
        return Verdict(self.label, str(self.about["description"]), " ".join(part for part in text if part), **fields)


Judge = Callable[[Group], Verdict]


def estimate_of(groups: Sequence[Sequence[float]]) -> Estimate | None:
    """The median of values given per pass (each pass's per round), with its interval; None where there are none."""
    if not stats.independent_units(groups):
        return None
    return Estimate(*stats.median_interval(groups))


def cores_of(value: Any) -> float | None:
    """A case's effective cores, or None where it has none."""
    return float(value) if value is not None and pd.notna(value) else None
