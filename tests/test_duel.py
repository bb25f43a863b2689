"""Duels: who is dueled, how a duel decides (fakes: scripted round times, a fake clock), and one real bout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench import vocabulary
from bench.harness import arena, config, contenders, duel, matrix
from bench.harness.duel import Rule, decide, fight
from bench.harness.run import Run


class Scripted:
    """A side of a duel whose steps take the round times given (its figure: 1 / time, as a timed side's)."""

    def __init__(self, times: list[float]) -> None:
        self.times = iter(times)
        self.steps = 0

    def step(self) -> float:
        self.steps += 1
        return 1 / next(self.times)


def noisy(value: float, count: int, spread: float = 0.01) -> list[float]:
    return [value * (1 + spread * ((i % 3) - 1)) for i in range(count)]


def test_a_clear_difference_is_decided_after_the_minimum_pairs_and_not_before() -> None:
    rule = Rule(budget_s=60)
    assert decide([1.5] * (rule.min_pairs - 1), rule) is None  # benchstat's floor: too few pairs to call anything
    bout = fight(Scripted(noisy(1.0, 50)), Scripted(noisy(1.8, 50)), rule)
    assert bout.outcome == vocabulary.A_WINS and len(bout.figures_a) == rule.min_pairs
    record = bout.record(rule)
    assert record["low"] > 1 and 1.7 < record["ratio"] < 1.9 and record["pairs"] == rule.min_pairs
    reverse = fight(Scripted(noisy(1.8, 50)), Scripted(noisy(1.0, 50)), rule)
    assert reverse.outcome == vocabulary.B_WINS


def test_two_cases_within_the_margin_are_equivalent() -> None:
    """Within +-5% is equivalent, even where the interval excludes 1: a 2% difference is not one to choose by."""
    bout = fight(Scripted(noisy(1.0, 50)), Scripted(noisy(1.02, 50)), Rule(60))
    record = bout.record(Rule(60))
    assert bout.outcome == vocabulary.EQUIVALENT
    assert 1 / 1.05 <= record["low"] <= record["high"] <= 1.05 and record["low"] > 1


def test_the_budget_ends_an_open_duel_undecided() -> None:
    """Rounds that straddle 1 never decide: the fake clock runs out the budget at 10 s, one pair a second."""
    ticks = iter(range(1000))
    times_b = [0.8, 1.25] * 50  # half the pairs favour each side, far apart: neither a win nor equivalence
    bout = fight(
        Scripted([1.0] * 100),
        Scripted(times_b),
        Rule(budget_s=10),
        clock=lambda: float(next(ticks)),
    )
    assert bout.outcome == vocabulary.UNDECIDED
    assert bout.seconds >= 10 and len(bout.figures_a) < 100
    assert len(fight(Scripted([1.0] * 100), Scripted(times_b), Rule(1e9, max_pairs=20)).figures_a) == 20


def entry(executor: str, workers: int, speedups: list[float] | None = None, **extra: Any) -> dict[str, Any]:
    info = {"speedup_rounds": speedups, "verified": True, **extra} if speedups else {"speedup": 1.0, **extra}
    return {
        "param": f"cpu-{executor}-w{workers}",
        "params": {"workload": "cpu", "executor": executor, "workers": workers},
        "stats": {"data": [0.1, 0.1, 0.1]},
        "extra_info": info,
    }


def test_a_paired_duel_compares_speedups_each_in_its_own_process() -> None:
    """Two processes whose speeds differ (a slow start, their luck) cancel out: each step's own baseline moves too."""
    slow_process = [ScriptedPaired(times=[2.0] * 20, baselines=[3.8] * 20)]  # 1.9x, in a process twice as slow
    quick_process = [ScriptedPaired(times=[1.0] * 20, baselines=[1.0] * 20)]  # 1.0x
    bout = fight(slow_process[0], quick_process[0], Rule(60))
    assert bout.outcome == vocabulary.A_WINS and bout.record(Rule(60))["ratio"] == pytest.approx(1.9)
    against_sequential = fight(ScriptedPaired([1.0] * 20, [1.02] * 20), duel.Sequential(), Rule(60))
    assert against_sequential.outcome == vocabulary.EQUIVALENT  # 1.02x: not faster than sequential by enough to choose


class ScriptedPaired:
    """A paired side: its steps' speedups are baseline over round time, each in its own (scripted) process."""

    def __init__(self, times: list[float], baselines: list[float]) -> None:
        self.pairs = iter(zip(baselines, times, strict=True))

    def step(self) -> float:
        baseline, time = next(self.pairs)
        return baseline / time


def test_the_leader_faces_those_it_was_not_told_apart_from_and_sequential_if_need_be() -> None:
    entries = [
        entry("sequential", 1),
        entry("processes", 2, [1.9, 1.95, 2.0, 1.92]),
        entry("processes", 1, [0.98, 1.0, 0.99, 1.0]),  # its executor's best is at 2 workers
        entry("threads", 2, [1.01, 1.02, 1.0, 1.01]),
        entry("asyncio", 2, [1.6, 2.0, 1.7, 2.1]),  # overlaps the leader
    ]
    ranked = contenders.standings(entries, "paired")
    assert [(s.executor, s.workers) for s in ranked] == [
        ("processes", 2),
        ("asyncio", 2),
        ("threads", 2),
        ("sequential", 1),
    ]
    assert [s.executor for s in contenders.challengers(ranked)] == ["asyncio"]
    assert contenders.baseline_of(ranked[0], ranked) is None  # clearly faster than sequential
    unsure = contenders.standings([entry("sequential", 1), entry("threads", 2, [0.95, 1.05, 1.0, 1.02])], "paired")
    base = contenders.baseline_of(unsure[0], unsure)
    assert base is not None and base.executor == "sequential"  # its interval includes 1x: sequential decides


def test_against_the_ideal_the_leader_is_the_lowest_at_the_highest_contested_concurrency() -> None:
    def http(executor: str, workers: int, times: list[float]) -> dict[str, Any]:
        return {
            "param": f"http-{executor}-w{workers}",
            "params": {"workload": "http", "executor": executor, "workers": workers},
            "stats": {"data": times},
            "extra_info": {"ideal_s": 0.1, "verified": True},
        }

    entries = [
        http("threads", 200, [0.4, 0.41, 0.39]),
        http("asyncio", 200, [0.2, 0.25, 0.3]),
        http("asyncio", 50, [0.1] * 3),
    ]
    ranked = contenders.standings(entries, "ideal")
    assert [(s.executor, s.workers) for s in ranked] == [("asyncio", 200), ("threads", 200)]
    assert not ranked[0].higher_is_better and ranked[0].median == pytest.approx(2.5)


def test_duel_items_come_from_the_workloads_judgements(tmp_path: Path) -> None:
    built = config.build({"workloads": ["cpu", "http", "locks"], "results": str(tmp_path)})
    assert [group.id for group in arena.groups(built)] == ["duel-cpu", "duel-http"]  # locks is judged by a race
    assert arena.groups(config.build({"no_duels": True, "results": str(tmp_path)})) == []


@pytest.mark.slow
def test_a_real_bout_between_two_tiny_cases_ends_and_leaves_nothing(tmp_path: Path, process_tag: str) -> None:
    options = {
        "workloads": ["cpu"],
        "executors": ["threads", "processes"],
        "workers": [1],
        "cpu_n": 200_000,
        "warmup": 1,
        "warmup_seconds": 0.0,
        "warmup_limit": 0.0,
        "duel_budget": 3.0,
        "load_limit": 0.0,
        "results": str(tmp_path),
    }
    built = config.build(options)
    a, b = (case for case in matrix.build(built) if not case.skip)
    run = Run(built, [], None)  # no pytest session: only workers are started
    try:
        record = arena.Arena(run).bout(a, b)
    finally:
        run.close()
    assert record["outcome"] in (vocabulary.A_WINS, vocabulary.B_WINS, vocabulary.EQUIVALENT, vocabulary.UNDECIDED)
    assert len(record["ratios"]) == len(record["figures_a"]) == len(record["figures_b"]) == record["pairs"] >= 2
    assert record["basis"] == vocabulary.TIME_BASIS
    decided = record["outcome"] != vocabulary.UNDECIDED
    assert decided or record["seconds"] >= 3.0 or record["pairs"] >= duel.MAX_PAIRS
