"""The matrix as a pytest-benchmark suite: one test per case, then one per duel group, parametrized by ``BenchPlugin``.

Run through ``python -m bench run``, which builds the run's configuration and loads the plugin.
"""

from __future__ import annotations

from typing import Any

import pytest

from bench.harness.arena import Arena, Group, outcome
from bench.harness.client import CaseFailed
from bench.harness.matrix import Case
from bench.harness.run import Run


def test_case(case: Case, benchmark: Any, bench_run: Run) -> None:
    bench_run.measure(case, benchmark)


def test_duel(duel: Group, bench_run: Run, record_property: Any) -> None:
    """Collected after every case (pytest runs tests in the order defined): the duels read the finished cases."""
    try:
        held = Arena(bench_run).hold(duel)
    except CaseFailed as exc:  # a worker of a duel failed: this item's failure, the saved run keeps the rest
        pytest.fail(f"{duel.id}: {exc.kind}: {exc}", pytrace=False)
    record_property("figure", "; ".join(outcome(record) for record in held) or "not needed: the leader is told apart")
