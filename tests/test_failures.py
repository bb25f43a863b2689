"""Nothing lost, nothing left behind: failing cases, interrupted runs and crashed writes, with real processes.

Every process a test starts carries the test's tag in its environment (conftest's ``process_tag``), so
"no worker or server left alive" is checked for exactly the processes this test made.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import BRIEF, assert_none_left, bench_env, run_bench, saved_run

from bench import cli, results
from bench.errors import UserError

pytestmark = pytest.mark.slow

#: A small real run with the fault workload first and cpu after it, over two executors.
FAULTY = [
    *BRIEF,
    "--workloads",
    "fault,cpu",
    "--executors",
    "sequential,processes",
    "--workers",
    "1",
    "--cpu-n",
    "20000",
    "--no-report",
]
FAULT_CASES = {"fault-sequential-w1", "fault-processes-w1"}


def run_faulty(results_dir: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    done = run_bench("run", *FAULTY, *args, "--results", str(results_dir), cwd=results_dir.parent, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return done, json.loads(saved_run(results_dir).read_text())


def check_failed_and_rest_saved(
    done: subprocess.CompletedProcess[str], data: dict[str, Any], kind: str, words: str, cases: set[str] = FAULT_CASES
) -> list[dict[str, Any]]:
    """The fault cases are recorded as failed with ``kind``; the cpu cases were measured and saved; exit 1."""
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    failed = data["machine_info"]["bench_run"]["failed"]
    assert {f["name"] for f in failed} == cases
    for failure in failed:
        assert failure["params"]["workload"] == "fault"
        assert failure["error"]["type"] == kind, failure
        assert words in failure["error"]["message"], failure
        assert f"FAILED {failure['name']}: {kind}" in done.stdout
    measured = {(b["params"]["workload"], b["params"]["executor"]) for b in data["benchmarks"]}
    assert measured == {("cpu", "sequential"), ("cpu", "processes")}
    assert all(b["extra_info"]["verified"] for b in data["benchmarks"])
    assert data["machine_info"]["bench_run"]["partial"] is False
    return list(failed)


def test_a_raising_case_is_recorded_with_its_traceback(tmp_path: Path, process_tag: str) -> None:
    """mode 1 (raise): RuntimeError, its message and the worker's own traceback are saved; the rest ran."""
    done, data = run_faulty(tmp_path / "results", "--fault-mode", "1")
    failed = check_failed_and_rest_saved(done, data, "RuntimeError", "fault workload raised on purpose")
    for failure in failed:
        assert "RuntimeError: fault workload raised on purpose" in failure["error"]["traceback"]
        assert "workloads/fault.py" in failure["error"]["traceback"]
    assert_none_left(process_tag)


@pytest.mark.parametrize(
    ("mode", "kind", "words"),
    [
        (2, "WorkerDied", "exited with code 3"),
        (4, "WorkerDied", "killed by SIGKILL"),
        (5, "NotVerified", "got 1, expected 0"),
    ],
    ids=["exit", "kill", "wrong"],
)
def test_a_dying_or_wrong_case_is_recorded_and_the_run_goes_on(
    tmp_path: Path, process_tag: str, mode: int, kind: str, words: str
) -> None:
    """os._exit, SIGKILL and a wrong answer each become a failed case saying which; the cpu cases still run."""
    done, data = run_faulty(tmp_path / "results", "--fault-mode", str(mode))
    check_failed_and_rest_saved(done, data, kind, words)
    assert_none_left(process_tag)


def test_a_hanging_case_times_out_its_tree_is_killed_and_the_run_goes_on(tmp_path: Path, process_tag: str) -> None:
    """mode 3 (hang) with --timeout 2s: noticed and killed (pool processes too), then the cpu cases run."""
    started = time.monotonic()
    done, data = run_faulty(tmp_path / "results", "--fault-mode", "3", "--timeout", "2s", "--executors", "processes")
    assert time.monotonic() - started < 30
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    (failure,) = data["machine_info"]["bench_run"]["failed"]
    assert failure["name"] == "fault-processes-w1"
    assert failure["error"]["type"] == "Timeout"
    assert "2 s" in failure["error"]["message"]
    assert [b["params"]["workload"] for b in data["benchmarks"]] == ["cpu"]
    assert_none_left(process_tag)


#: Several seconds of cases, http first so the local server is up when the signal comes.
LONG_RUN = shlex.split(
    "--workloads cpu,http --http-workers 1 --http-requests 8 --http-latency 1ms --workers 1,2 "
    "--cpu-n 3000000 --rounds 5 --max-rounds 5 --load-limit 0 --no-duels --warmup 0 --warmup-seconds 0s "
    "--warmup-limit 0s --no-report"
)


def interrupt_run(tmp_path: Path, signum: int, after_a_case: bool) -> tuple[int, str, Path]:
    """Start a long run, send ``signum`` once a case is journalled (or once the first case has started)."""
    results_dir = tmp_path / "results"
    argv = [sys.executable, "-m", "bench", "run", *LONG_RUN, "--results", str(results_dir)]
    with (tmp_path / "out.txt").open("w") as out:
        proc = subprocess.Popen(argv, cwd=tmp_path, env=bench_env(), stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while True:
                journals = list(results_dir.rglob(".journal-*.jsonl"))
                if after_a_case and any('"kind": "benchmark"' in p.read_text() for p in journals):
                    break
                if not after_a_case and "Measuring " in (tmp_path / "out.txt").read_text():
                    break
                assert proc.poll() is None, "the run ended before it could be interrupted"
                assert time.monotonic() < deadline, "nothing happened within 60 s"
                time.sleep(0.01)
            proc.send_signal(signum)
            code = proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return code, (tmp_path / "out.txt").read_text(), results_dir


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_run_saves_a_partial_run_and_leaves_nothing(
    tmp_path: Path, process_tag: str, signum: int, code: int
) -> None:
    """A signal mid-run: exit 128+N, the finished cases saved as NNNN_*_partial.json, no journal, no process left."""
    exit_code, output, results_dir = interrupt_run(tmp_path, signum, after_a_case=True)
    assert exit_code == code, output[-3000:]
    saved = saved_run(results_dir)
    assert saved.name.endswith("_partial.json"), output[-3000:]
    data = results.load_run(saved)
    assert data["machine_info"]["bench_run"]["partial"] is True
    assert data["benchmarks"]
    assert "partial" in output
    assert not list(results_dir.rglob(".journal-*"))
    assert not list(results_dir.rglob("*.tmp"))
    assert_none_left(process_tag)


def test_a_killed_harness_leaves_a_journal_that_report_saves_as_a_partial_run(
    tmp_path: Path, process_tag: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """SIGKILL (no handler runs): the journal stays; report turns it into a _partial run and reports it.

    The workers and the server notice their stdin close and stop on their own: nothing is left behind.
    """
    exit_code, _output, results_dir = interrupt_run(tmp_path, signal.SIGKILL, after_a_case=True)
    assert exit_code == -signal.SIGKILL
    (journal,) = results_dir.rglob(".journal-*.jsonl")
    assert not list(results_dir.rglob("[0-9][0-9][0-9][0-9]_*.json"))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["report", "--results", str(results_dir), "--out", str(tmp_path / "reports")]) == 0
    said = capsys.readouterr().out
    saved = saved_run(results_dir)
    assert f"Saved the cases of an interrupted run as {saved}" in said
    assert saved.name.endswith("_partial.json") and not journal.exists()
    data = results.load_run(saved)
    assert data["machine_info"]["bench_run"]["partial"] is True and data["benchmarks"]
    assert data["machine_info"]["bench_run"]["workloads"]["cpu"]["unit"] == "iterations/s"
    assert (tmp_path / "reports" / saved.stem / "index.md").exists()
    assert cli.main(["salvage", "--results", str(results_dir)]) == 0  # nothing more to save
    assert "No journal of a killed run" in capsys.readouterr().out
    assert_none_left(process_tag, grace=15)


def test_an_interrupt_before_any_case_finished_leaves_no_journal(tmp_path: Path, process_tag: str) -> None:
    """Ctrl-C as soon as the run has begun (no case finished): exit 130, no run file, and no journal left behind."""
    exit_code, output, results_dir = interrupt_run(tmp_path, signal.SIGINT, after_a_case=False)
    assert exit_code == 130, output[-3000:]
    assert not list(results_dir.rglob("*.json"))
    assert not list(results_dir.rglob(".journal-*")), output[-3000:]
    assert_none_left(process_tag)


def test_a_busy_server_port_is_refused_before_anything_runs(tmp_path: Path, process_tag: str) -> None:
    """--server-port on a port held by someone else: one ERROR line naming it, exit 2, no case run, nothing saved."""
    results_dir = tmp_path / "results"
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        done = run_bench(
            "run",
            "--workloads",
            "http",
            "--server-port",
            str(port),
            "--http-requests",
            "8",
            "--results",
            str(results_dir),
            "--no-report",
            cwd=tmp_path,
        )
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ERROR: ") and str(port) in lines[0], done.stderr
    assert "test_case[" not in done.stdout
    assert not results_dir.exists()
    assert_none_left(process_tag)


# --- the atomic write of a run file ---


@pytest.fixture
def old_run(tmp_path: Path) -> Iterator[Path]:
    """A run file already in place, which a failed rewrite must leave as it was."""
    path = tmp_path / "runs" / "0001_test_20260101_000000.json"
    results.write_json_atomic(path, {"old": True})
    yield path


def half_then_fail(data: Any, out: Any, **kwargs: Any) -> None:
    """json.dump that writes half of the text, then fails as a full disk would."""
    text = json.dumps(data, **kwargs)
    out.write(text[: len(text) // 2])
    out.flush()
    raise OSError(28, "No space left on device")


def fail(*args: Any) -> None:
    raise OSError(5, "Input/output error")


def interrupt(*args: Any) -> None:
    raise KeyboardInterrupt


@pytest.mark.parametrize(
    ("target", "name", "replacement", "error"),
    [
        (json, "dump", half_then_fail, OSError),
        (os, "fsync", fail, OSError),
        (os, "replace", fail, OSError),
        (os, "fsync", interrupt, KeyboardInterrupt),
    ],
    ids=["dump-halfway", "fsync", "replace", "interrupted"],
)
def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    monkeypatch: pytest.MonkeyPatch, old_run: Path, *, target: Any, name: str, replacement: Any, error: type
) -> None:
    """A crash at any step of write_json_atomic leaves the old file whole and no temporary file beside it."""
    before = old_run.read_bytes()
    big = {"benchmarks": [{"n": i, "pad": "x" * 100} for i in range(200)]}
    monkeypatch.setattr(target, name, replacement)
    with pytest.raises(error):
        results.write_json_atomic(old_run, big)
    monkeypatch.undo()
    assert old_run.read_bytes() == before
    assert json.loads(before) == {"old": True}
    assert list(old_run.parent.iterdir()) == [old_run]


def test_an_atomic_write_replaces_the_file_whole(old_run: Path) -> None:
    """A write that succeeds replaces the old content entirely, leaving no temporary file."""
    results.write_json_atomic(old_run, {"new": [1, 2, 3]})
    assert json.loads(old_run.read_text()) == {"new": [1, 2, 3]}
    assert list(old_run.parent.iterdir()) == [old_run]


def test_a_saved_run_is_readable_like_any_file_the_user_writes(tmp_path: Path) -> None:
    """The run file gets the usual permissions for the user's umask (0644 under 022), as pytest-benchmark's do.

    mkstemp makes its file 0600; renamed into place unchanged, a saved run is unreadable to anyone else
    (a shared results folder, a CI artifact collected by another user).
    """
    previous = os.umask(0o022)
    try:
        path = tmp_path / "0001_test_20260101_000000.json"
        results.write_json_atomic(path, {"benchmarks": []})
        plain = tmp_path / "plain.json"
        plain.write_text("{}")
    finally:
        os.umask(previous)
    assert path.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777 == 0o644


def test_load_run_refuses_what_is_not_a_run(tmp_path: Path) -> None:
    """A missing file, non-JSON, a foreign JSON and a newer format are each one clear UserError."""
    with pytest.raises(UserError, match="no such file"):
        results.load_run(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"benchmarks": [')
    with pytest.raises(UserError, match="not JSON"):
        results.load_run(broken)
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps({"benchmarks": [], "machine_info": {}}))
    with pytest.raises(UserError, match="not one written by concurrency-bench"):
        results.load_run(foreign)
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({"benchmarks": [], "machine_info": {"bench": {"format_version": 10**6}}}))
    with pytest.raises(UserError, match="newer"):
        results.load_run(newer)
