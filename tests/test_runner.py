"""Rounds: warm-up by count and by time, and the alternating paired baseline (B C C B ...)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, ClassVar

import pytest

from bench import matrix
from bench.matrix import Case
from bench.runner import Rounds, Run, start_worker


def test_warm_up_runs_until_both_count_and_time_are_reached() -> None:
    child, _ = start_worker(Case("noop", "sequential", 1, ()), {})
    try:
        rounds = Rounds(child, paired=False, timeout=10)
        assert rounds.warm_up(3, 0.0) == 3  # count alone
        started = time.perf_counter()
        done = rounds.warm_up(1, 0.3)  # time: many no-op rounds
        assert time.perf_counter() - started >= 0.3 and done > 1
        assert len(rounds.windows) == 3 + done
    finally:
        child.stop()


def test_paired_baselines_alternate_before_and_after_the_rounds() -> None:
    """One baseline per round, before even rounds and after odd ones: B C C B B C."""
    child, _ = start_worker(Case("cpu", "threads", 2, (("n", 20_000), ("tasks", 0))), {}, baseline=True)
    order: list[str] = []
    try:
        rounds = Rounds(child, paired=True, timeout=30)
        real_round = rounds._baseline_round

        def baseline_round() -> None:
            order.append("B")
            real_round()

        rounds._baseline_round = baseline_round  # type: ignore[method-assign]
        for _ in range(4):
            rounds.before()
            order.append("C")
            rounds.run()
            rounds.after()
    finally:
        child.stop()
    assert order == ["B", "C", "C", "B", "B", "C", "C", "B"]
    assert len(rounds.baseline_s) == len(rounds.windows) == 4


def test_a_harness_side_error_is_recorded_as_the_cases_failure(tmp_path: Path) -> None:
    """Not only worker failures: an error in the harness while measuring fails that case, journalled."""
    run = Run(matrix.from_options({"workloads": ["noop"], "results": str(tmp_path)}), [])

    class BrokenBenchmark:
        extra_info: ClassVar[dict[str, Any]] = {}

        def pedantic(self, *args: Any, **kwargs: Any) -> None:
            raise ValueError("broken on purpose")

    with pytest.raises(pytest.fail.Exception, match="ValueError: broken on purpose"):
        run.measure(Case("noop", "sequential", 1, ()), BrokenBenchmark())
    assert run.failed[0]["error"]["type"] == "ValueError"
    assert "broken on purpose" in run.failed[0]["error"]["traceback"]
    assert run.journal.entries()[0]["kind"] == "failed"
    run.close()
    run.journal.remove()
