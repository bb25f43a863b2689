"""bench.cli through a real ``python -m bench`` subprocess: bad input, ``list``, and ``-k`` selection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_bench, saved_run

import workloads
from bench.executors import EXECUTORS

#: The smallest real run: a few milliseconds of work per case.
SMALL = [
    "--workloads",
    "cpu",
    "--cpu-n",
    "20000",
    "--workers",
    "1",
    "--rounds",
    "2",
    "--warmup",
    "0",
    "--warmup-seconds",
    "0s",
    "--interval",
    "10ms",
    "--no-report",
]

BAD_INPUT = {
    "unknown workload": (["run", "--workloads", "cpu,nope"], ["'nope'", *workloads.load_all()]),
    "unknown executor": (["run", "--executors", "fibers"], ["'fibers'", *EXECUTORS]),
    "workers 0": (["run", "--workers", "0"], ["--workers", "'0'"]),
    "workers -1": (["run", "--workers", "-1"], ["--workers", "'-1'"]),
    "workers abc": (["run", "--workers", "abc"], ["--workers", "'abc'", "whole number"]),
    "latency without unit": (["run", "--http-latency", "20"], ["--http-latency", "'20'", "unit"]),
    "rounds 0": (["run", "--rounds", "0"], ["--rounds", "'0'"]),
    "timeout without unit": (["run", "--timeout", "5"], ["--timeout", "'5'"]),
    "unknown command": (["frobnicate"], ["'frobnicate'", "run", "list"]),
    "unknown option": (["run", "--no-such-option"], ["--no-such-option"]),
    "abbreviated option": (["run", "--warm", "0"], ["--warm"]),
    "port out of range": (["run", "--server-port", "70000"], ["--server-port", "'70000'", "0-65535"]),
    "selfcheck zero interval": (["selfcheck", "--interval", "0s"], ["--interval", "'0s'"]),
}


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*")] if folder.exists() else []


@pytest.mark.slow
@pytest.mark.parametrize(("args", "words"), list(BAD_INPUT.values()), ids=list(BAD_INPUT))
def test_bad_input_is_one_error_line_and_exit_2(tmp_path: Path, args: list[str], words: list[str]) -> None:
    """Bad input: exactly one 'ERROR: ...' line on stderr naming the problem, no traceback, exit 2, nothing written."""
    results = tmp_path / "results"
    done = run_bench(*args, *(["--results", str(results)] if args[0] == "run" else []), cwd=tmp_path)
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr[-2000:]
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("ERROR: ")
    assert "Traceback" not in done.stderr + done.stdout
    for word in words:
        assert word in lines[0]
    assert files_under(results) == []
    assert not (tmp_path / "reports").exists()


@pytest.mark.slow
def test_no_command_prints_usage_and_exits_2() -> None:
    """``python -m bench`` alone lists the commands (exit 2: nothing was asked); --help is exit 0."""
    bare = run_bench()
    assert bare.returncode == 2
    assert "run" in bare.stdout and "compare" in bare.stdout
    helped = run_bench("--help")
    assert helped.returncode == 0
    assert helped.stdout == bare.stdout


@pytest.mark.slow
def test_list_names_every_workload_executor_and_parameter() -> None:
    """``python -m bench list`` shows every workload (hidden ones too), executor and --WORKLOAD-PARAM option."""
    done = run_bench("list")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    for name, workload in workloads.load_all().items():
        assert f"  {name} " in done.stdout
        for param in workload.params:
            assert f"--{name}-{param.name.replace('_', '-')}" in done.stdout
    for name in EXECUTORS:
        assert f"  {name} " in done.stdout
    assert "Machine:" in done.stdout


@pytest.mark.slow
def test_k_selects_cases(tmp_path: Path) -> None:
    """``-k "cpu and threads"`` runs (and saves) only the cpu cases of the threads executor."""
    done = run_bench(
        "run", *SMALL, "--workers", "1,2", "-k", "cpu and threads", "--results", str(tmp_path), cwd=tmp_path
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    ran = [line for line in done.stdout.splitlines() if "test_case[" in line and "PASSED" in line]
    assert len(ran) == 2
    assert all("cpu-threads-w" in line for line in ran)
    saved = json.loads(saved_run(tmp_path).read_text())
    assert {(b["params"]["executor"], b["params"]["workers"]) for b in saved["benchmarks"]} == {
        ("threads", 1),
        ("threads", 2),
    }


@pytest.mark.slow
def test_a_selection_matching_nothing_is_bad_input(tmp_path: Path) -> None:
    """``-k`` matching no case: one ERROR line, exit 2, and no run file (nor anything else) left under --results."""
    results = tmp_path / "results"
    done = run_bench("run", *SMALL, "-k", "no_such_case", "--results", str(results), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["ERROR: no case matches the selection"]
    assert [p for p in files_under(results) if p.is_file()] == []
    assert files_under(results) == []


@pytest.mark.slow
def test_results_that_is_a_file_is_one_error_line(tmp_path: Path) -> None:
    """--results naming an existing file (not a folder) is bad input: one ERROR line, exit 2, no traceback."""
    not_a_folder = tmp_path / "results"
    not_a_folder.write_text("a file, not a folder\n")
    done = run_bench("run", *SMALL, "--results", str(not_a_folder), cwd=tmp_path)
    assert done.returncode == 2, done.stderr[-3000:]
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ERROR: ") and str(not_a_folder) in lines[0], done.stderr[-3000:]
    assert "Traceback" not in done.stdout + done.stderr
    assert not_a_folder.read_text() == "a file, not a folder\n"
