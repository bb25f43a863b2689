"""Calibration sizes work to a target time; --sizes-from repeats a run's sizes exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_bench, saved_run

from bench.calibrate import calibrate

SMALL = [
    "--executors",
    "sequential",
    "--workers",
    "1",
    "--rounds",
    "3",
    "--warmup",
    "1",
    "--warmup-seconds",
    "0s",
    "--no-report",
]


def test_calibrate_sizes_within_a_factor_of_the_target() -> None:
    """A sequential round at the chosen size takes about the target (loose: machines drift)."""
    values = {"cpu": {"n": 100_000, "tasks": 0}}
    said: list[str] = []
    sizes = calibrate(values, ["cpu"], 0.1, say=said.append)
    assert sizes["cpu"] == values["cpu"]["n"]
    last = said[-1]  # "calibrating cpu: n=... took ... ms (target 100 ms)"
    took_ms = float(last.split(" took ")[1].split(" ms")[0])
    assert 100 / 3 <= took_ms <= 100 * 3, said


def test_round_seconds_run_records_sizes_and_sizes_from_repeats_them(tmp_path: Path) -> None:
    first = run_bench(
        "run", "--workloads", "cpu,pipeline", "--round-seconds", "60ms", *SMALL, "--results", str(tmp_path)
    )
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    assert "calibrating cpu" in first.stdout and "calibrating pipeline" in first.stdout
    run1 = json.loads(saved_run(tmp_path).read_text())
    config1 = run1["machine_info"]["bench_run"]["config"]
    assert config1["round_seconds"] == pytest.approx(0.06)
    assert config1["calibrated"]["cpu"] == config1["values"]["cpu"]["n"]
    medians = {b["params"]["workload"]: b["stats"]["median"] for b in run1["benchmarks"]}
    for workload in ("cpu", "pipeline"):
        assert 0.06 / 4 <= medians[workload] <= 0.06 * 4, medians

    second = run_bench(
        "run",
        "--workloads",
        "cpu,pipeline",
        "--sizes-from",
        str(saved_run(tmp_path)),
        *SMALL,
        "--results",
        str(tmp_path),
    )
    assert second.returncode == 0, second.stdout[-2000:] + second.stderr[-2000:]
    assert "calibrating" not in second.stdout
    run2 = json.loads(saved_run(tmp_path).read_text())
    assert run2["machine_info"]["bench_run"]["config"]["values"] == config1["values"]
    for bench in run2["benchmarks"]:
        workload = bench["params"]["workload"]
        for name, value in config1["values"][workload].items():
            assert bench["params"][name] == value


def test_sizes_from_a_file_that_is_not_a_run(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.json"
    bogus.write_text("[1, 2]")
    done = run_bench("run", "--sizes-from", str(bogus), "--results", str(tmp_path), *SMALL)
    assert done.returncode == 2
    assert done.stderr.startswith("ERROR:") and "not a benchmark run" in done.stderr
    assert "Traceback" not in done.stderr
