"""bench.harness.calibrate: sizes scaled to a target time (logic on a fake clock), and --sizes-from repeating them."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

from bench import results
from bench.errors import UserError
from bench.harness import calibrate, config
from bench.harness.client import CaseFailed


def fake_measure(seconds_per_unit: float, param: str, calls: list[int] | None = None) -> calibrate.Measure:
    """A round that takes ``seconds_per_unit`` x its size: calibration's logic without a machine's noise."""

    def measure(workload: str, values: dict[str, Any], target: dict[str, Any] | None) -> float:
        if calls is not None:
            calls.append(int(values[param]))
        return float(values[param]) * seconds_per_unit

    return measure


def test_calibrate_one_scales_linearly_and_stops_within_tolerance() -> None:
    calls: list[int] = []
    said: list[str] = []
    size = calibrate.calibrate_one(
        "cpu", "n", {"n": 1000, "tasks": 0}, 0.5, measure=fake_measure(1e-6, "n", calls), say=said.append
    )
    assert size == 500_000
    assert calls == [1000, 500_000]  # one scaling step, then within 10%: done
    assert said == ["sized cpu: n=500_000 for a sequential round of about 500 ms (500 ms measured)"]
    said.clear()
    calibrate.calibrate_one("cpu", "n", {"n": 1000}, 0.5, measure=lambda w, v, t: 1.0, say=said.append)
    assert said == ["sized cpu: n=125 for a sequential round of about 500 ms (scaled from 1000 ms at n=250)"]


def test_a_size_rounds_up_to_a_multiple() -> None:
    """A user function's task count is a multiple of the largest worker count, so every count splits evenly."""
    assert calibrate.next_size(4, took=0.04, seconds=0.5, multiple=4) == 52
    assert calibrate.next_size(4, took=10.0, seconds=0.5, multiple=4) == 4  # at least one share per worker


def test_calibrate_gives_up_after_three_tries_on_a_drifting_machine() -> None:
    """A round whose time does not follow its size is tried three times, then the last estimate is kept."""
    calls: list[int] = []

    def erratic(workload: str, values: dict[str, Any], target: dict[str, Any] | None) -> float:
        calls.append(int(values["n"]))
        return 1.0  # always a second, whatever the size

    size = calibrate.calibrate_one("cpu", "n", {"n": 1000}, 0.5, measure=erratic, say=lambda _: None)
    assert calls == [1000, 500, 250] and size == 125


def make_config(tmp_path: Path, **options: Any) -> config.RunConfig:
    return config.build({"results": str(tmp_path), "quick": True, **options})


def with_target(run: config.RunConfig, name: str) -> config.RunConfig:
    """``run`` with a user function ``m:NAME`` added, as if inspected (its tasks to be calibrated)."""
    return dataclasses.replace(
        run,
        workloads=[*run.workloads, name],
        targets={**run.targets, name: {"spec": f"m:{name}", "where": "m", "sync": name, "async": None}},
        values={**run.values, name: {"tasks": 0}},
    )


def test_only_what_asks_for_it_is_calibrated(tmp_path: Path) -> None:
    """Without --round-seconds nothing built in is calibrated; with it, every workload with a size but the
    ones whose size option was given."""
    assert calibrate.calibrate(make_config(tmp_path), measure=fake_measure(1e-6, "n"), say=lambda _: None) == {}
    chosen = make_config(tmp_path, workloads=["cpu", "pipeline", "http"], round_seconds=0.2, pipeline_items=777)
    sizes = calibrate.calibrate(chosen, measure=lambda w, v, t: 0.2, say=lambda _: None)
    assert set(sizes) == {"cpu"}  # pipeline's size was given; http has no size parameter
    sized = chosen.with_sizes(sizes)
    assert sized.values["pipeline"]["items"] == 777 and sized.calibrated == sizes
    assert sized.values["cpu"]["n"] == sizes["cpu"] and chosen.calibrated == {}  # a new configuration: built once


def test_a_failing_calibration_keeps_a_default_and_goes_on(tmp_path: Path) -> None:
    """A user function that raises while calibrating does not stop the run: its cases will show the error."""
    chosen = with_target(make_config(tmp_path, workloads=["cpu"], round_seconds=0.2), "boom")

    def measure(workload: str, values: dict[str, Any], target: dict[str, Any] | None) -> float:
        if target:
            raise CaseFailed("ValueError", "boom")
        return 0.2

    said: list[str] = []
    sizes = calibrate.calibrate(chosen, measure=measure, say=said.append)
    assert sizes["boom"] == calibrate.FIRST_TASKS * max(chosen.ladder("boom"))
    assert any("calibrating boom failed (ValueError: boom)" in line for line in said)


def test_a_result_that_cannot_be_checked_stops_the_run_before_it_starts(tmp_path: Path) -> None:
    """Every case of a function whose results cannot be checked would fail the same way: one UserError instead."""
    chosen = with_target(make_config(tmp_path, workloads=["cpu"]), "lam")

    def measure(workload: str, values: dict[str, Any], target: dict[str, Any] | None) -> float:
        raise CaseFailed("ResultError", "lam(0) returns a new function on every call")

    with pytest.raises(UserError, match=r"^m:lam: lam\(0\) returns a new function on every call$"):
        calibrate.calibrate(chosen, measure=measure, say=lambda _: None)


def test_a_user_functions_tasks_are_capped(tmp_path: Path) -> None:
    """A function of microseconds would need millions of tasks: capped, and the run says so."""
    chosen = with_target(make_config(tmp_path, workloads=["cpu"]), "tiny")
    said: list[str] = []
    sizes = calibrate.calibrate(chosen, measure=fake_measure(1e-7, "tasks"), say=said.append)
    assert sizes == {"tiny": calibrate.MAX_TASKS}
    assert "capped at 10_000" in said[-1]


def test_a_real_sequential_round_is_timed_by_the_worker() -> None:
    """The real measure: a worker's own round time, positive and small for a tiny countdown."""
    took = calibrate.measure_round("cpu", {"n": 20_000, "tasks": 0})
    assert 0 < took < 60


def test_sizes_from_repeats_a_saved_runs_values(tiny_run_data: dict[str, Any], tmp_path: Path) -> None:
    """--sizes-from takes a saved run's values for every workload; an explicit size option still wins."""
    data = copy.deepcopy(tiny_run_data)
    data["machine_info"]["bench_run"]["config"]["values"]["cpu"]["n"] = 4321
    saved = tmp_path / "0001_x_20260101_000000.json"
    results.write_json_atomic(saved, data)
    repeated = make_config(tmp_path, sizes_from=str(saved))
    assert repeated.values["cpu"]["n"] == 4321
    assert repeated.values["pipeline"] == data["machine_info"]["bench_run"]["config"]["values"]["pipeline"]
    assert make_config(tmp_path, sizes_from=str(saved), cpu_n=99).values["cpu"]["n"] == 99


def test_sizes_from_a_file_that_is_not_a_run(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.json"
    bogus.write_text("[1, 2]")
    with pytest.raises(UserError, match="not a benchmark run"):
        make_config(tmp_path, sizes_from=str(bogus))


@pytest.mark.slow
def test_a_function_that_needs_the_local_server_is_sized_against_one(tmp_path: Path, process_tag: str) -> None:
    """examples/blocking_io.py sets BENCH_NEEDS_SERVER: its sizing starts the server too, and stops it."""
    built = config.build(
        {"workloads": [str(ROOT / "examples" / "blocking_io.py") + ":fetch"], "results": str(tmp_path)}
    )
    said: list[str] = []
    sizes = calibrate.calibrate(built, say=said.append)
    ((size,),) = (list(sizes.values()),)
    assert size > 0 and said and said[0].startswith("sized ") and "failed" not in " ".join(said)
