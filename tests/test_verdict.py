"""bench.analysis.verdict: the answer in words, from small synthetic runs whose figures the tests choose.

No test here asserts a speed: each checks that the verdict says what the given figures say (who wins, whether
intervals overlap, what was unstable or failed, what one core cannot show), never how fast anything is.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import synthetic
from synthetic import PAIRED, around, case, cpu_like, io_like

from bench import results
from bench.analysis import table, verdict
from bench.analysis.verdict import Verdict
from bench.cli.run import after_run


def judged(run: dict[str, Any]) -> list[Verdict]:
    return verdict.verdicts(copy.deepcopy(run))


def only_verdict(run: dict[str, Any]) -> Verdict:
    (found,) = judged(run)
    return found


def cpu_run(cores: int = 2, **kwargs: Any) -> dict[str, Any]:
    return synthetic.run({"count": PAIRED}, cpu_like(cores, (1, 2, 4)), cores=cores, **kwargs)


def set_case(run: dict[str, Any], executor: str, workers: int, **extra: Any) -> None:
    (entry,) = [
        e for e in run["benchmarks"] if (e["params"]["executor"], e["params"]["workers"]) == (executor, workers)
    ]
    entry["extra_info"].update(extra)


def test_a_clear_winner_is_named_with_its_interval_and_cores() -> None:
    found = only_verdict(cpu_run())
    assert found.winners == ("processes",)
    assert found.paragraph().startswith("count: processes, 1.90x at 2 workers (95% CI ")
    assert "using 2.00 cores" in found.text
    assert "threads 1.00x on 1.00 cores and asyncio 0.99x on 1.00 cores stay on about one core" in found.text
    assert "threads take turns under the GIL" in found.text
    assert "Less sure" not in found.text  # nothing unstable, nothing failed
    drawn = {best.executor for best in found.best}
    assert drawn == {"sequential", "threads", "processes", "asyncio"}
    assert all(best.estimate.low <= best.estimate.value <= best.estimate.high for best in found.best)


def test_overlapping_intervals_make_no_winner() -> None:
    """Free-threaded threads as fast as processes, within the noise: a tie, said as one."""
    run = cpu_run(gil=False)
    set_case(run, "threads", 2, speedup_rounds=around(1.88, 0.03), effective_cores=1.97)
    found = only_verdict(run)
    assert set(found.winners) == {"processes", "threads"}
    assert "no clear winner between" in found.text and "not told apart" in found.text
    assert "GIL" not in found.text


def test_an_unstable_deciding_case_is_named_with_its_reason() -> None:
    run = cpu_run()
    set_case(run, "processes", 2, unstable=["rounds vary by 18% (CV over 5%)"])
    set_case(run, "asyncio", 4, unstable=["other processes used 0.30 cores (over 0.10)"])
    text = only_verdict(run).text
    assert "processes at 2 workers, which the verdict rests on, was unstable: rounds vary by 18%" in text
    assert "1 other case unstable (not deciding)" in text


def test_a_failed_case_is_named_and_a_lost_executor_cannot_be_judged() -> None:
    failed = [
        {"name": "count-processes-w4", "params": {"workload": "count", "executor": "processes", "workers": 4}},
        {"name": "count-gevent-w2", "params": {"workload": "count", "executor": "gevent", "workers": 2}},
    ]
    text = only_verdict(cpu_run(failed=failed)).text
    assert "processes at 4 workers and gevent at 2 workers failed, and the verdict cannot speak for them" in text
    assert "gevent could not be judged at all" in text


def test_one_usable_core_cannot_show_cpu_parallelism() -> None:
    run = synthetic.run({"count": PAIRED}, cpu_like(1, (1, 2)), cores=1)
    text = only_verdict(run).text
    assert "This machine has one usable core: CPU parallelism could not be shown." in text
    assert "stay on about one core" not in text  # there is no other core to stay off


def test_cores_that_slow_each_other_down_are_said_to() -> None:
    """3.5 cores used for 2.1x: each core kept 60% of its speed."""
    cases = [
        case("count", "sequential", 1, 1.0, cores=1.0),
        case("count", "processes", 4, 0.48, ratios=around(2.1), cores=3.5),
    ]
    text = only_verdict(synthetic.run({"count": PAIRED}, cases, cores=16)).text
    assert "slow each other down: 3.5 cores used, 2.1x gained (each kept about 60% of its speed)" in text


def test_nothing_faster_than_sequential() -> None:
    cases = [
        case("count", "sequential", 1, 1.0, cores=1.0),
        case("count", "threads", 2, 1.4, ratios=around(0.7), cores=1.0),
        case("count", "asyncio", 2, 1.1, ratios=around(0.9), cores=1.0),
    ]
    found = only_verdict(synthetic.run({"count": PAIRED}, cases))
    assert found.winners == ("sequential",)
    assert found.text.startswith("sequential is fastest")
    assert "threads (0.70x) is slower than sequential" in found.text


def test_throughput_beside_sequential_comes_from_the_rounds_paired_with_the_winner() -> None:
    """Sequential's own rounds ran at a slower moment: its median would make a no-faster winner look 10% ahead."""
    cases = [
        case("baozi", "sequential", 1, 1.1, cores=1.0, amount=20_000, unit="items/s"),  # drifted slow
        case("baozi", "gevent", 2, 1.0, ratios=around(0.98), cores=1.0, amount=20_000, unit="items/s"),
        case("baozi", "threads", 2, 1.3, ratios=around(0.75), cores=1.0, amount=20_000, unit="items/s"),
    ]
    found = only_verdict(synthetic.run({"baozi": synthetic.THROUGHPUT}, cases))
    assert "gevent 20,000 items/s against sequential's 20,408 in the rounds paired with them" in found.text
    assert "18,182" not in found.text  # the sequential case's own median, measured at another moment


def test_a_user_workload_is_judged_by_its_facts_and_named_by_its_label() -> None:
    """A user's function that mostly waits: threads win on a tenth of a core, and the verdict says it waits."""
    facts = {
        **PAIRED,
        "summary": "your function work.py:fetch",
        "description": "work.py:fetch: 64 tasks per round",
        "target": {"spec": "work.py:fetch", "sync": "fetch"},
    }
    cases = [
        case("work.py:fetch", "sequential", 1, 1.0, cores=0.05),
        case("work.py:fetch", "threads", 8, 0.125, ratios=around(8.0), cores=0.1),
        case("work.py:fetch", "processes", 8, 0.2, ratios=around(5.0), cores=0.3),
    ]
    found = only_verdict(synthetic.run({"work.py:fetch": facts}, cases))
    assert found.label == "work.py:fetch" and found.description == "work.py:fetch: 64 tasks per round"
    assert found.winners == ("threads",)
    assert "The work mostly waits: 8.0x on 0.10 cores." in found.text


def test_judged_against_the_ideal_where_the_models_part() -> None:
    found = only_verdict(synthetic.run({"fetch": synthetic.IDEAL}, io_like((10, 50, 200))))
    assert found.winners == ("asyncio",) and not found.higher_is_better
    assert found.text.startswith("asyncio comes closest to the ideal 0.04 s at concurrency 200: 1.10x (95% CI ")
    assert "ahead of threads 1.70x" in found.text
    assert "At 50, asyncio leads with 1.10x of the ideal 0.16 s, ahead of threads 1.32x." in found.text
    assert "Latency p50/p99 at 200: threads 36/51 ms and asyncio 23/33 ms." in found.text
    assert (
        "Memory per added unit (slope over the worker counts): asyncio 8 KiB per task and threads 39 KiB per thread"
        in found.text
    )
    assert "measured / ideal time at concurrency 200" in found.measure


def test_an_unknown_judgement_and_an_unknown_executor_get_a_generic_verdict() -> None:
    """A kind of judgement added later (per-switch cost, say) and an executor no fact describes: no crash."""
    facts = {**PAIRED, "judged_by": "per_switch", "unit": "switches/s", "description": "ping-pong between two units"}
    cases = [
        case("pingpong", "subinterpreters", 2, 0.5, amount=1000, unit="switches/s", cores=1.9),
        case("pingpong", "threads", 2, 1.0, amount=1000, unit="switches/s", cores=1.0),
    ]
    found = only_verdict(synthetic.run({"pingpong": facts}, cases))
    assert found.text.startswith(
        "Judged by 'per_switch', which this report cannot read yet; by throughput, subinterpreters"
    )
    assert found.winners == ("subinterpreters",)
    assert {best.executor for best in found.best} == {"subinterpreters", "threads"}


def test_a_workload_with_no_finished_case_says_so() -> None:
    run = synthetic.run(
        {"count": PAIRED, "fetch": synthetic.IDEAL},
        cpu_like(2, (1, 2)),
        failed=[{"name": "fetch-threads-w1", "params": {"workload": "fetch", "executor": "threads", "workers": 1}}],
    )
    count, fetch = judged(run)
    assert count.label == "count" and fetch.label == "fetch"
    assert fetch.text == "no case finished (1 case failed): no verdict." and not fetch.best


def test_several_interpreters_get_a_verdict_each() -> None:
    """Where the case key holds an interpreter, each interpreter is judged on its own (no cross-interpreter claim)."""
    run = cpu_run()
    frame = table.cases(run)
    frame = table.pd.concat([frame.assign(python="3.12"), frame.assign(python="3.13t")], ignore_index=True)
    found = verdict.verdicts(run, frame)
    assert [one.label for one in found] == ["count, python 3.12", "count, python 3.13t"]


def test_the_confidence_note_says_what_one_pass_can_see() -> None:
    frame = table.cases(cpu_run())
    assert "round-to-round noise only" in verdict.confidence_note(frame)
    assert "round-to-round noise only" not in verdict.confidence_note(frame.assign(passes=3))


def test_the_end_of_a_run_prints_the_verdict_last(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "0001_x_20260101_000000.json"
    results.write_json_atomic(saved, cpu_run())
    after_run(saved, write=False)
    out = capsys.readouterr().out
    assert out.index("headline figures") < out.index("the verdict") < out.index("count: processes, 1.90x")
    assert " ".join(out.split()).endswith("--passes 3 (or higher) measures that too.")


# ---- what a workload measured inside its rounds: cost, race, latency --------------------------------------------


def measured(workload: str, executor: str, workers: int, measures: dict[str, dict[str, float]], **extra: Any) -> Any:
    entry = synthetic.case(workload, executor, workers, 0.1)
    entry["extra_info"]["measures"] = measures
    entry["extra_info"].update(extra)
    return entry


def kind_of(judged_by: str, *measures: tuple[str, str, str, bool]) -> dict[str, Any]:
    return {
        **synthetic.PAIRED,
        "judged_by": judged_by,
        "figure": "costs",
        "heatmap": False,
        "description": "a synthetic measure",
        "measures": [
            {"name": name, "title": title, "unit": unit, "log": True, "lower_is_better": lower}
            for name, title, unit, lower in measures
        ],
    }


def test_a_cost_names_the_cheapest_and_the_dearest_and_how_far_apart() -> None:
    facts = {"hand": kind_of("cost", ("us_per_switch", "One switch", "us per switch", True))}
    cases = [
        measured("hand", "threads", 1, {"us_per_switch": {"event": 45.0, "condition": 50.0}}),
        measured("hand", "gevent", 1, {"us_per_switch": {"greenlet": 0.5, "event": 4.0}}),
        measured("hand", "processes", 1, {"us_per_switch": {"pipe": 50.0}}),
    ]
    (found,) = verdict.verdicts(synthetic.run(facts, cases))
    assert "cheapest gevent greenlet 0.5 us per switch, dearest processes pipe 50 (100x apart)" in found.text
    assert "no interval per kind" in found.text
    assert found.winners == ("gevent",) and not found.higher_is_better
    assert {best.executor for best in found.best} == {"threads", "gevent", "processes"}


def race_facts() -> dict[str, Any]:
    """A workload judged by a race: increments per second and the share of updates lost, per variant."""
    return {
        "count": kind_of(
            "race",
            ("increments_per_s", "Increments per second", "increments/s", False),
            ("lost_share", "Updates lost", "%", True),
        )
    }


def test_a_race_reports_lost_updates_and_what_a_lock_costs() -> None:
    facts = race_facts()
    cases = []
    for workers, lost, rate in ((1, 0.0, 2e6), (4, 60.0, 1e6)):
        cases.append(
            measured(
                "count",
                "processes",
                workers,
                {"increments_per_s": {"none": 3e6, "lock": rate}, "lost_share": {"none": lost, "lock": 0.0}},
            )
        )
        cases.append(
            measured(
                "count",
                "threads",
                workers,
                {"increments_per_s": {"none": 5e6, "lock": 4e6}, "lost_share": {"none": 0.0, "lock": 0.0}},
                not_measured={"rlock": "not offered"},
            )
        )
    (found,) = verdict.verdicts(synthetic.run(facts, cases))
    assert "Without a lock, at 4 units: the plain increment lost updates under processes 60%; " in found.text
    assert "threads lost none (the race did not strike)" in found.text
    assert "processes lock 2,000,000 alone, 1,000,000 shared by 4" in found.text
    assert "Not measured: threads rlock (not offered)." in found.text
    assert found.winners == ("threads",)


def test_the_read_yield_write_race_comes_first_with_how_many_updates_were_lost() -> None:
    """Each variant without a lock says who lost updates, in % and in updates; a Lock around the race is safe."""
    facts = race_facts()
    cases = []
    for executor, raced, plain in (("threads", 75.0, 0.0), ("processes", 50.0, 25.0), ("asyncio", 0.0, 0.0)):
        for workers in (1, 4):
            at = workers > 1
            cases.append(
                measured(
                    "count",
                    executor,
                    workers,
                    {
                        "increments_per_s": {"none": 9e6, "lock": 3e6, "yield": 2e6, "yield+lock": 1e6},
                        "lost_share": {"none": plain * at, "lock": 0.0, "yield": raced * at, "yield+lock": 0.0},
                        "lost_updates": {"none": 80 * plain * at, "yield": 80 * raced * at},
                    },
                )
            )
    (found,) = verdict.verdicts(synthetic.run(facts, cases))
    assert found.text.startswith(
        "Without a lock, at 4 units: read, yield, write (the race) lost updates under threads 75% (6,000 of 8,000) "
        "and processes 50% (4,000 of 8,000); asyncio lost none (the race did not strike). "
        "The plain increment lost updates under processes 25% (2,000 of 8,000); threads and asyncio lost none"
    )
    assert "Fastest safe counting: threads with lock" in found.text  # an unlocked variant is never "safe"


def test_latency_says_who_keeps_a_request_short_beside_busy_units() -> None:
    facts = {"beside": kind_of("latency", ("latency_ms", "Latency", "ms", True))}
    cases = [
        measured("beside", "threads", 1, {"latency_ms": {"p50": 0.1, "p99": 0.3}}),
        measured("beside", "threads", 3, {"latency_ms": {"p50": 10.0, "p99": 40.0}}),
        measured("beside", "processes", 1, {"latency_ms": {"p50": 0.1, "p99": 0.2}}),
        measured("beside", "processes", 3, {"latency_ms": {"p50": 0.1, "p99": 3.0}}),
    ]
    (found,) = verdict.verdicts(synthetic.run(facts, cases))
    assert "Alone (0 busy units beside it)" in found.text
    assert "With 2 busy units beside it: processes 0.1/3 and threads 10/40 ms; processes keeps it shortest" in (
        found.text
    )
    assert found.winners == ("processes",)


# ---- issue 19: duels decide, a busy machine is said first, physics checks the statistics ------------------------


def duel(a: tuple[str, int], b: tuple[str, int], found: tuple[float, float, float], outcome: str) -> dict[str, Any]:
    """A duel record as the harness saves it: ``found`` = B's time over A's (above 1, A is faster), low, high."""
    ratio, low, high = found
    return {
        "workload": "count",
        "params": {},
        "a": {"executor": a[0], "workers": a[1], "python": ""},
        "b": {"executor": b[0], "workers": b[1], "python": ""},
        "why": "leaders",
        "ratios": [ratio] * 6,
        "ratio": ratio,
        "low": low,
        "high": high,
        "outcome": outcome,
        "pairs": 6,
        "margin": 0.05,
    }


def tied_run() -> dict[str, Any]:
    run = cpu_run(gil=False)
    set_case(run, "threads", 2, speedup_rounds=around(1.88, 0.03), effective_cores=1.97)
    return run


def test_a_duel_tells_apart_what_the_intervals_could_not() -> None:
    run = tied_run()
    run["machine_info"]["bench_run"]["duels"] = [duel(("processes", 2), ("threads", 2), (1.08, 1.05, 1.11), "a")]
    found = only_verdict(run)
    assert found.winners == ("processes",)
    assert "processes at 2 workers beat threads at 2 workers 1.08x (95% CI 1.05-1.11), decided in 12 alternating" in (
        found.text
    )
    assert "no clear winner" not in found.text


def test_a_duel_won_by_the_challenger_overturns_the_medians_order() -> None:
    run = tied_run()
    run["machine_info"]["bench_run"]["duels"] = [duel(("threads", 2), ("processes", 2), (1.06, 1.03, 1.09), "a")]
    found = only_verdict(run)
    assert found.winners == ("threads",) and found.text.startswith("threads, 1.88x at 2 workers")


def test_equivalent_and_undecided_duels_are_said_as_such() -> None:
    run = tied_run()
    run["machine_info"]["bench_run"]["duels"] = [
        duel(("processes", 2), ("threads", 2), (1.01, 0.98, 1.03), "equivalent")
    ]
    found = only_verdict(run)
    assert set(found.winners) == {"processes", "threads"} and "equivalent at the top" in found.text
    assert "within 5% of each other" in found.text
    run["machine_info"]["bench_run"]["duels"] = [duel(("processes", 2), ("threads", 2), (1.02, 0.9, 1.2), "undecided")]
    found = only_verdict(run)
    assert "not told apart after 12 alternating rounds (1.02x, 95% CI 0.90-1.20): a tie is not shown either" in (
        found.text
    )


def test_one_core_against_two_is_never_a_tie() -> None:
    """Medians twice apart, intervals overlapping: on CPU-bound work 1 core and 2 cores cannot be tied."""
    run = cpu_run()
    set_case(run, "processes", 2, speedup_rounds=[1.3, 1.6, 2.0, 2.1, 2.2], effective_cores=1.9)
    set_case(run, "asyncio", 2, speedup_rounds=[1.0, 1.05, 1.1, 1.2, 1.35], effective_cores=1.0)
    found = only_verdict(run)
    assert found.winners == ()
    assert found.text.startswith("not decided between processes (2.00x at 2 workers) and asyncio (1.10x")
    assert "that is the measurement's noise, not a tie" in found.text


def test_a_speedup_beyond_its_cores_is_set_aside() -> None:
    run = cpu_run()
    set_case(run, "asyncio", 2, speedup_rounds=around(1.3), effective_cores=0.97)
    found = only_verdict(run)
    assert found.winners == ("processes",)
    assert "Set aside: asyncio at 2 workers (1.30x on 0.97 cores): faster than its cores allow" in found.text


def test_a_busy_machine_is_said_first_and_no_winner_is_called() -> None:
    """The harness kept loaded rounds (still busy after its waits): the verdict must not crown anyone on them."""
    run = cpu_run()
    set_case(
        run,
        "processes",
        2,
        speedup_rounds=around(1.1, 0.1),
        effective_cores=1.2,
        foreign_cores_rounds=[0.8, 0.84, 0.0, 0.9, 0.82],
        loaded_rounds=[0, 1, 3, 4],
        rounds_redone=[{"round": i, "foreign_cores": 0.8, "waited_s": 5.0, "quiet": False} for i in range(4)],
    )
    found = only_verdict(run)
    assert found.winners == ()
    assert found.text.startswith("The machine was busy: other programs used 0.8 while processes at 2 workers ran")
    assert "4 of their 5 counted rounds were loaded after 4 rounds redone" in found.text
    assert "No winner is called on rounds that load distorted" in found.text
    assert "no executor is clearly faster than sequential" not in found.text


def test_redone_rounds_are_said_where_the_machine_then_was_quiet() -> None:
    run = cpu_run()
    set_case(run, "threads", 2, rounds_redone=[{"round": 3, "foreign_cores": 0.6, "waited_s": 1.0, "quiet": True}])
    found = only_verdict(run)
    assert found.winners == ("processes",)
    assert "(1 round of 1 case redone: other programs were busy while they ran.)" in found.text


def test_a_leader_within_five_percent_of_sequential_is_no_winner() -> None:
    """1.01x with an interval excluding 1 is not a win, nor 0.99x a loss: both are within the margin."""
    run = synthetic.run({"count": PAIRED}, [case("count", "sequential", 1, 1.0, cores=1.0)], cores=2)
    run["benchmarks"] += [
        case("count", "gevent", 1, 1.0, ratios=[1.005, 1.01, 1.012, 1.008, 1.01], cores=1.0),
        case("count", "threads", 1, 1.0, ratios=[0.8, 0.82, 0.81, 0.8, 0.8], cores=1.0),
    ]
    found = only_verdict(run)
    assert found.text.startswith("no executor differs from sequential by 5% or more: the best, gevent at 1 worker")
    assert set(found.winners) == {"sequential", "gevent"}


def test_work_that_waits_is_not_held_to_its_cores() -> None:
    """A user's function, CPU-bound by default, whose sequential case used 0.06 cores: 3.9x on 0.06 cores is the
    work waiting, not a measurement problem."""
    run = synthetic.run({"fetch": PAIRED}, [case("fetch", "sequential", 1, 1.0, cores=0.06)], cores=2)
    run["benchmarks"].append(case("fetch", "threads", 4, 0.26, ratios=around(3.87), cores=0.06))
    found = only_verdict(run)
    assert found.winners == ("threads",) and "Set aside" not in found.text
    assert "The work mostly waits: 3.9x on 0.06 cores." in found.text
