"""The duels a run saved (``bench_run.duels``), found for two cases and turned to face the one asked about first.

A duel record holds B's round time over A's (above 1: A is faster), its 95%
interval and outcome ("a", "b", "equivalent", "undecided"). Whoever asks about
two cases (the verdict's leaders, the answer across builds) may name them in
either order; ``find`` returns the record's figures as if the first were A.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..stats import EQUIVALENCE
from ..vocabulary import A_WINS, B_WINS
from .table import workload_params


@dataclass(frozen=True)
class Side:
    """One case of a workload and parameter set: its executor, workers and interpreter (its --python label)."""

    executor: str
    workers: int
    python: str = ""  # "" the harness's own interpreter

    @classmethod
    def of(cls, found: Mapping[str, Any] | pd.Series) -> Side:
        """From a case row or a duel's side."""
        return cls(str(found["executor"]), int(found["workers"]), str(found.get("python") or ""))

    @property
    def where(self) -> str:
        return f"{self.executor} at {self.workers} worker" + ("s" if self.workers != 1 else "")


@dataclass(frozen=True)
class Found:
    """A saved duel seen from the side asked about first: ``ratio`` above 1 means that one was faster."""

    ratio: float
    low: float
    high: float
    outcome: str
    pairs: int
    margin: float


def find(duels: Iterable[Mapping[str, Any]], workload: str, params: str, first: Side, second: Side) -> Found | None:
    """The duel between ``first`` and ``second`` (either order) of a workload and parameter set, or None."""
    for record in duels:
        if record.get("workload") != workload or workload_params(dict(record.get("params") or {})) != params:
            continue
        sides = (Side.of(record["a"]), Side.of(record["b"]))
        if sides not in ((first, second), (second, first)) or int(record.get("pairs", 0)) < 2:
            continue
        ratio, low, high, outcome = (
            float(record["ratio"]),
            float(record["low"]),
            float(record["high"]),
            str(record["outcome"]),
        )
        if sides == (second, first):
            ratio, low, high = 1 / ratio, 1 / high, 1 / low
            outcome = {A_WINS: B_WINS, B_WINS: A_WINS}.get(outcome, outcome)
        return Found(ratio, low, high, outcome, int(record["pairs"]), float(record.get("margin", EQUIVALENCE)))
    return None
