"""bench.harness.rounds and bench.harness.run: warm-up, the alternating paired baseline, failures journalled."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, ClassVar

import pytest

from bench.harness import config
from bench.harness.client import start_worker
from bench.harness.matrix import Case
from bench.harness.rounds import Rounds
from bench.harness.run import Run


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


class FakePytestConfig:
    """What ``Run`` asks of pytest's config: the machine and commit hooks."""

    class hook:
        @staticmethod
        def pytest_benchmark_generate_machine_info(config: Any) -> dict[str, Any]:
            return {"node": "test"}

        @staticmethod
        def pytest_benchmark_generate_commit_info(config: Any) -> dict[str, Any]:
            return {"id": "abc"}


def test_a_harness_side_error_is_recorded_as_the_cases_failure(tmp_path: Path) -> None:
    """Not only worker failures: an error in the harness while measuring fails that case, journalled."""
    run = Run(config.build({"workloads": ["noop"], "results": str(tmp_path)}), [], FakePytestConfig())  # type: ignore[arg-type]

    class BrokenBenchmark:
        extra_info: ClassVar[dict[str, Any]] = {}

        def pedantic(self, *args: Any, **kwargs: Any) -> None:
            raise ValueError("broken on purpose")

    with pytest.raises(pytest.fail.Exception, match="ValueError: broken on purpose"):
        run.measure(Case("noop", "sequential", 1, ()), BrokenBenchmark())
    assert run.failed[0]["error"]["type"] == "ValueError"
    assert "broken on purpose" in run.failed[0]["error"]["traceback"]
    header, entries = run.journal.read()
    assert header is not None and header["machine_info"]["bench_run"]["workloads"]["noop"]["unit"] == "rounds/s"
    assert entries[0]["kind"] == "failed"
    run.close()
    run.journal.remove()
