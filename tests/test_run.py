"""bench.harness.rounds and bench.harness.run: warm-up, the alternating paired baseline, failures journalled."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, ClassVar

import pytest
from conftest import ROOT

from bench.harness import config
from bench.harness.client import start_worker
from bench.harness.matrix import Case
from bench.harness.rounds import Rounds, settled, too_long_to_judge
from bench.harness.run import Run


def test_warm_up_runs_until_both_count_and_time_are_reached() -> None:
    child, _ = start_worker(Case("noop", "sequential", 1, ()), {})
    try:
        rounds = Rounds(child, paired=False, timeout=10)
        assert rounds.warm_up(3, 0.0).rounds == 3  # count alone
        started = time.perf_counter()
        done = rounds.warm_up(1, 0.3).rounds  # time: many no-op rounds
        assert time.perf_counter() - started >= 0.3 and done > 1
        assert len(rounds.windows) == 3 + done
    finally:
        child.stop()


class FakeRounds(Rounds):
    """Rounds whose times come from lists (no worker): the case's rounds and the baseline's, one per call."""

    def __init__(self, times: list[float], baselines: list[float] | None = None) -> None:
        super().__init__(None, paired=baselines is not None, timeout=10)  # type: ignore[arg-type]
        self.times, self.baselines = iter(times), iter(baselines or [])

    def _baseline_round(self) -> None:
        self.baseline_s.append(next(self.baselines))

    def run(self) -> None:
        self.windows.append((0.0, next(self.times)))


SLOW_START = [0.48, 0.47, 0.48, 0.47, 0.34, 0.33, 0.34, 0.34, 0.33, 0.34, 0.34, 0.33]


def test_settled_reads_the_end_of_a_slow_start() -> None:
    assert not settled([1.0, 1.01, 0.99])  # too few: a plateau of three may be the slow start itself
    assert settled([1.0, 1.0, 1.0, 1.0, 1.01, 0.99])
    assert settled([1.0, 0.9, 1.1, 1.2, 0.95, 1.0])  # noisy but flat: the noise is judged later, not here
    assert not settled([1.5, 1.5, 1.5, 1.0, 1.0, 1.0])  # a third faster than the window before: still warming
    assert not settled([1.5, 1.5, 1.5, 1.2, 1.2, 1.2])
    assert settled([1.0, 1.0, 1.0, 1.3, 1.3, 1.3])  # slower: a phase of the machine, not a warm-up
    assert not settled([1.0, 1.0, 1.0, 1.3, 1.3, 1.3], two_sided=True)  # a paired ratio still moving
    assert settled([1.0, 1.02, 0.98, 1.01, 0.99, 1.0], two_sided=True)


def test_warm_up_goes_on_until_the_rounds_settle() -> None:
    """The slow first second of a case: warm-up runs past its minimum until the times stop falling."""
    rounds = FakeRounds(SLOW_START)
    warmed = rounds.warm_up(1, 0.0, limit=60.0)
    assert warmed.settled
    assert warmed.rounds == 9  # 4 slow, then fast ones until the last 3 are no faster than the 3 before them
    unlimited = FakeRounds(SLOW_START).warm_up(1, 0.0)
    assert (unlimited.rounds, unlimited.settled) == (1, None)  # no limit: the minimum only, as before


def test_a_paired_warm_up_waits_for_its_baselines_too() -> None:
    """The baseline runs in the case's process and is measured: its slow start must end too."""
    steady_case = [0.17] * 12
    rounds = FakeRounds(steady_case, baselines=SLOW_START)
    assert rounds.warm_up(1, 0.0, limit=60.0).rounds == 9


def test_a_warm_up_that_never_settles_stops_at_its_limit_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = iter(float(i) for i in range(1000))
    monkeypatch.setattr(time, "perf_counter", lambda: next(clock))
    falling = [0.9**i for i in range(100)]  # ever faster: never settled
    warmed = FakeRounds(falling).warm_up(1, 0.0, limit=10.0)
    assert not warmed.settled
    assert warmed.seconds >= 10.0 and warmed.rounds < 20


def test_rounds_too_long_to_settle_within_the_limit_stop_unjudged(monkeypatch: pytest.MonkeyPatch) -> None:
    """3 s rounds against an 8 s limit: two windows of three cannot be compared in time, so no waiting for them."""
    clock = iter(float(3 * i) for i in range(1000))
    monkeypatch.setattr(time, "perf_counter", lambda: next(clock))
    warmed = FakeRounds([3.0] * 20).warm_up(1, 0.0, limit=8.0)
    assert (warmed.rounds, warmed.settled) == (1, None)  # not marked unsettled: it was never judged
    assert too_long_to_judge(1, 1.0, 1.0, limit=8.0) is False  # 1 s rounds: six fit in 8 s, so it waits


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


def test_the_warm_start_tool_reads_a_slow_start_per_slice() -> None:
    """tools/warm_start.py, behind --warmup-seconds' default: each slice against that process's own steady pace."""
    spec = importlib.util.spec_from_file_location("warm_start", ROOT / "tools" / "warm_start.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    fast = [(i * 0.1, 0.13 if i < 5 else 0.1) for i in range(40)]  # 30% slow for its first 0.5 s
    slow = [(i * 0.2, 0.26 if i < 3 else 0.2) for i in range(20)]  # another process, twice as slow throughout
    ratios = tool.slowdown_by_slice([fast, slow], seconds=4.0, width=0.5)
    assert ratios[0] == pytest.approx(1.3)
    assert ratios[1:] == pytest.approx([1.0] * (len(ratios) - 1))


def test_importing_the_workloads_specializes_the_countdown_before_anything_is_timed() -> None:
    """In a fresh process: CPython 3.11 would run spin unspecialized, 50% slower, for the first rounds of a case."""
    specialized = (
        "import dis, workloads; print(any(a.opname != b.opname for a, b in "
        "zip(dis.get_instructions(workloads.spin, adaptive=True), dis.get_instructions(workloads.spin))))"
    )
    done = subprocess.run([sys.executable, "-c", specialized], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "True"
