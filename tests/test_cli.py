"""bench.cli: bad input (in-process: one ERROR line, exit 2, nothing written), ``list``, and ``-k`` selection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import BRIEF, run_bench, saved_run

import workloads
from bench import cli
from bench.worker.executors import registry

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "pure_python.py"
BAD = Path(__file__).resolve().parent / "bad_targets.py"

#: The smallest real run: a few milliseconds of work per case.
SMALL = ["--workloads", "cpu", "--cpu-n", "20000", "--workers", "1", *BRIEF, "--no-report"]

BAD_INPUT = {
    "unknown workload": (["run", "--workloads", "cpu,nope"], ["'nope'", *workloads.load_all()]),
    "unknown executor": (["run", "--executors", "fibers"], ["'fibers'", *registry()]),
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
    "results under /proc": (["run", "--quick", "--workloads", "cpu", "--results", "/proc/nope"], ["/proc/nope"]),
    "setup without a target": (["run", "--setup", "m:f"], ["--setup"]),
    "module not found": (["run", "--workloads", "no_such_module_xyz:f"], ["no module named 'no_such_module_xyz'"]),
    "file not found": (["run", "--workloads", "./missing.py:f"], ["no such file: ./missing.py"]),
    "no such function": (["run", "--workloads", f"{EXAMPLE}:nope"], ["has no function 'nope'"]),
    "not callable": (["run", "--workloads", f"{BAD}:NOT_CALLABLE"], ["NOT_CALLABLE is a int, not a function"]),
    "wrong signature": (["run", "--workloads", f"{BAD}:two_arguments"], ["cannot be called as two_arguments(i)"]),
    "two plain forms": (["run", "--workloads", f"{BAD}:plain+plain_too"], ["both plain"]),
    "the same name twice": (["run", "--workloads", f"{BAD}:plain+plain"], ["twice"]),
    "import raises": (
        ["run", "--workloads", f"{BAD.parent / 'raises_on_import.py'}:f"],
        ["raised RuntimeError: this module fails on import"],
    ),
    "bad target syntax": (["run", "--workloads", "mod:"], ["is not a target"]),
    "setup with arguments": (
        ["run", "--workloads", f"{BAD}:plain", "--setup", f"{BAD}:setup_with_an_argument"],
        ["cannot be called as setup_with_an_argument(), with no arguments"],
    ),
}


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*")] if folder.exists() else []


@pytest.mark.parametrize(("args", "words"), list(BAD_INPUT.values()), ids=list(BAD_INPUT))
def test_bad_input_is_one_error_line_and_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    words: list[str],
) -> None:
    """Bad input: exactly one 'ERROR: ...' line on stderr naming the problem, no traceback, exit 2, nothing written."""
    monkeypatch.chdir(tmp_path)
    results = tmp_path / "results"
    chosen = ["--results", str(results)] if args[0] == "run" and "--results" not in args else []
    assert cli.main([*args, *chosen]) == 2
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("ERROR: ")
    assert "Traceback" not in err + out
    for word in words:
        assert word in lines[0]
    assert files_under(results) == []
    assert not (tmp_path / "reports").exists()


def test_no_command_prints_usage_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """``python -m bench`` alone lists the commands (exit 2: nothing was asked); --help is exit 0."""
    assert cli.main([]) == 2
    bare = capsys.readouterr().out
    assert "run" in bare and "compare" in bare and "salvage" in bare
    assert cli.main(["--help"]) == 0
    assert capsys.readouterr().out == bare


def test_list_names_every_workload_executor_and_parameter(capsys: pytest.CaptureFixture[str]) -> None:
    """``python -m bench list`` shows every workload (hidden ones too), executor and --WORKLOAD-PARAM option."""
    assert cli.main(["list"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    for name, workload in workloads.load_all().items():
        assert f"  {name} " in out
        assert f"--{name}-workers" in out
        for param in workload.params:
            assert f"--{name}-{param.name.replace('_', '-')}" in out
    for name, info in registry().items():
        line = next(line for line in out.splitlines() if line.startswith(f"  {name} "))
        assert ("[not in the default matrix]" in line) is (not info.default), line
    assert "Machine:" in out


@pytest.mark.slow
def test_the_command_line_works_in_a_subprocess() -> None:
    """``python -m bench`` itself (the module entry point): one real start."""
    done = run_bench("--version")
    assert done.returncode == 0 and done.stdout.strip()


@pytest.mark.slow
def test_k_selects_cases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``-k "cpu and threads"`` runs (and saves) only the cpu cases of the threads executor.

    Started as from a pytest-xdist worker, whose mark makes pytest-benchmark disable itself: still measured.
    """
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw7")
    done = run_bench(
        "run", *SMALL, "--workers", "1,2", "-k", "cpu and threads", "--results", str(tmp_path), cwd=tmp_path
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    ran = [line for line in done.stdout.splitlines() if line.startswith("  ok ")]
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


def test_results_that_is_a_file_is_one_error_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--results naming an existing file (not a folder) is bad input: one ERROR line, exit 2, the file untouched."""
    monkeypatch.chdir(tmp_path)
    not_a_folder = tmp_path / "results"
    not_a_folder.write_text("a file, not a folder\n")
    assert cli.main(["run", *SMALL, "--results", str(not_a_folder)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ERROR: ") and str(not_a_folder) in lines[0]
    assert not_a_folder.read_text() == "a file, not a folder\n"
