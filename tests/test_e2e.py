"""The end-to-end quick run (conftest's ``tiny_run``): what the saved JSON holds, and that pytest-benchmark reads it."""

from __future__ import annotations

import platform
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import psutil
import pytest
from conftest import TINY_WORKLOADS, unrunnable_reason
from pytest_benchmark.utils import get_machine_id

import workloads
from bench import FORMAT_VERSION, __version__, machine, results
from bench.worker.executors import defaults

pytestmark = pytest.mark.slow

MACHINE_KEYS = {
    "logical_cores",
    "physical_cores",
    "usable_cores",
    "cpu_model",
    "python_version",
    "python_implementation",
    "gil_enabled",
    "mp_start_method",
    "packages",
    "harness_version",
    "format_version",
}
EXTRA_KEYS = {
    "effective_cores",
    "effective_cores_rounds",
    "warmup_rounds",
    "warmup_settled",
    "gil_enabled",
    "gil_expected",
    "per_core_mean",
    "peak_rss_bytes",
    "peak_uss_bytes",
    "ctx_switches_per_s",
    "throughput",
    "throughput_unit",
    "verified",
    "timeline",
}
VISIBLE_WORKLOADS = TINY_WORKLOADS  # the workloads of the tiny run


def test_run_is_filed_by_node_gil_state_and_machine_id(tiny_run: Path) -> None:
    """<results>/<node>_<gil|nogil>/<pytest-benchmark machine id>/NNNN_<commit>_<date>_<time>.json, no journal left."""
    assert re.fullmatch(r"\d{4}_[^_]+_\d{8}_\d{6}\.json", tiny_run.name), tiny_run.name
    assert tiny_run.parent.name == get_machine_id()
    node = re.sub(r"[^A-Za-z0-9.-]+", "-", platform.node() or "machine")
    assert tiny_run.parent.parent.name == f"{node}_{machine.gil_label()}"
    assert not list(tiny_run.parent.glob(".journal-*"))
    assert not list(tiny_run.parent.glob("*.tmp"))


def test_machine_info_has_our_facts(tiny_run_data: dict[str, Any]) -> None:
    """machine_info["bench"] holds the machine and interpreter facts, with this harness's versions."""
    facts = tiny_run_data["machine_info"]["bench"]
    assert set(facts) >= MACHINE_KEYS
    here = {
        "format_version": FORMAT_VERSION,
        "harness_version": __version__,
        "python_version": platform.python_version(),
        "logical_cores": psutil.cpu_count(),
    }
    assert {key: facts[key] for key in here} == here
    assert facts["gil_enabled"] is machine.gil_enabled()
    assert facts["packages"]["pytest-benchmark"] != "not installed"


def test_machine_info_has_the_run(tiny_run_data: dict[str, Any]) -> None:
    """machine_info["bench_run"]: what was asked, no failures, the skipped cases with their reasons, not partial."""
    run = tiny_run_data["machine_info"]["bench_run"]
    assert run["partial"] is False
    assert run["failed"] == []
    assert run["config"]["rounds"] == 3
    assert isinstance(run["config"]["seed"], int)
    assert "--quick" in run["argv"]
    assert run["skipped"], "sequential at workers > 1 should be listed as skipped"
    for skipped in run["skipped"]:
        params = skipped["params"]
        if params["executor"] == "sequential":
            assert params["workers"] > 1
        else:  # a default executor that cannot run on this Python (subinterpreters on 3.11): its reason is kept
            assert skipped["reason"].endswith(str(unrunnable_reason(params["executor"])))
        assert skipped["reason"]


def test_every_executor_and_workload_was_measured(tiny_run_data: dict[str, Any]) -> None:
    """Each visible workload x executor is there, at each worker count of the run (sequential at 1 only)."""
    measured = {
        (b["params"]["workload"], b["params"]["executor"], b["params"]["workers"]) for b in tiny_run_data["benchmarks"]
    }
    ladders = {"cpu": (1, 2), "pipeline": (1, 2), "http": (1, 4)}
    runnable = [e for e in defaults() if not unrunnable_reason(e)]
    expected = {
        (w, e, n) for w in VISIBLE_WORKLOADS for e in runnable for n in ladders[w] if e != "sequential" or n == 1
    }
    assert measured == expected


def test_every_benchmark_has_params_rounds_and_extra_info(tiny_run_data: dict[str, Any]) -> None:
    """params name the case and its workload values; raw rounds are saved; extra_info has our figures."""
    cores = tiny_run_data["machine_info"]["bench"]["logical_cores"]
    for entry in tiny_run_data["benchmarks"]:
        params, extra = entry["params"], entry["extra_info"]
        workload = workloads.get(params["workload"])
        assert {"workload", "executor", "workers"} <= set(params)
        assert {p.name for p in workload.params} <= set(params), entry["name"]
        assert len(entry["stats"]["data"]) >= 3, entry["name"]
        assert all(t > 0 for t in entry["stats"]["data"])
        assert set(extra) >= EXTRA_KEYS, (entry["name"], EXTRA_KEYS - set(extra))
        assert extra["verified"] is True
        assert extra["throughput"] > 0
        assert extra["throughput_unit"] == workload.unit
        assert len(extra["per_core_mean"]) == cores
        assert extra["effective_cores"] >= 0
        assert extra["peak_rss_bytes"] > 0
        assert extra["peak_uss_bytes"] >= 0
        assert extra["ctx_switches_per_s"] >= 0
        timeline = extra["timeline"]
        assert set(timeline) == {"t_s", "per_core_pct"}
        assert len(timeline["t_s"]) == len(timeline["per_core_pct"])
        assert all(len(row) == cores for row in timeline["per_core_pct"])


def test_speedups_on_cpu_and_pipeline_and_ideal_on_http(tiny_run_data: dict[str, Any]) -> None:
    """cpu/pipeline carry a speedup (1.0 for sequential itself); http carries vs_ideal, ideal_s and latencies."""
    for entry in tiny_run_data["benchmarks"]:
        params, extra = entry["params"], entry["extra_info"]
        if params["workload"] in ("cpu", "pipeline"):
            assert extra["speedup"] > 0, entry["name"]
            if params["executor"] == "sequential":
                assert extra["speedup"] == 1.0
            else:
                assert len(extra["speedup_rounds"]) == len(entry["stats"]["data"])
        else:
            assert "speedup" not in extra
            assert extra["ideal_s"] > 0
            assert extra["vs_ideal"] == pytest.approx(entry["stats"]["median"] / extra["ideal_s"])
            assert set(extra["latency_ms"]) == {"p50", "p90", "p99"}


def test_the_run_loads_back(tiny_run: Path) -> None:
    """bench.results.load_run accepts the file it wrote."""
    data = results.load_run(tiny_run)
    assert data["benchmarks"]


def test_pytest_benchmark_compare_reads_our_file(tiny_run: Path) -> None:
    """pytest-benchmark's own ``compare`` command reads the saved run and exits 0."""
    script = Path(sys.executable).with_name("pytest-benchmark")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "pytest_benchmark.cli"]
    done = subprocess.run(
        [*command, "compare", str(tiny_run)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "test_case[cpu-threads-w2]" in done.stdout


def test_server_counts_only_the_measured_rounds(tiny_run_data: dict[str, Any]) -> None:
    """The server's own figures cover the measured rounds: warm-up requests are not in them."""
    http = [b for b in tiny_run_data["benchmarks"] if b["params"]["workload"] == "http"]
    assert http
    for bench in http:
        served = len(bench["stats"]["data"]) + len(bench["extra_info"]["rounds_redone"])
        assert bench["extra_info"]["server"]["requests"] == served * bench["params"]["requests"]
