"""workloads.target and users' functions end to end: inspection, every executor, the checks, setup, errors."""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import BRIEF, assert_none_left, executor_params, run_bench, saved_run

from bench.harness.client import CaseFailed, run_round, start_worker
from bench.harness.matrix import Case
from workloads.target import Spec, TargetError, inspect_target

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
#: A user's file, as a user writes it: both forms of the same work, a setup, and two functions that break.
USER_FILE = """
import asyncio, os

__version__ = "1.2.3"
_ready = []


def setup():
    _ready.append(os.getpid())
    with open(os.environ["SETUP_LOG"], "a") as log:
        log.write(f"{os.getpid()}\\n")


def square(i):
    assert _ready, "setup was not called in this process"
    return sum(range(500)) + i * i


async def asquare(i):
    await asyncio.sleep(0)
    return sum(range(500)) + i * i


def whose(i):
    return os.getpid()  # differs between processes: a result that is not the sequential run's


def unpicklable(i):
    return lambda: i


def raises(i):
    if i == 2:
        raise ValueError(f"task {i} fails on purpose")
    return i
"""


@pytest.fixture
def user_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "work.py"
    path.write_text(textwrap.dedent(USER_FILE))
    monkeypatch.setenv("SETUP_LOG", str(tmp_path / "setup.log"))
    return path


@pytest.fixture
def no_leftovers(process_tag: str) -> Iterator[None]:
    yield
    assert_none_left(process_tag)


def target_case(report: dict[str, Any], executor: str, workers: int, tasks: int) -> Case:
    return Case(report["sync"] or report["async"], executor, workers, (("tasks", tasks),))


def rounds(report: dict[str, Any], executor: str, workers: int = 2, tasks: int = 6, n: int = 2) -> list[dict[str, Any]]:
    child, _ = start_worker(target_case(report, executor, workers, tasks), {}, target=report)
    try:
        return [run_round(child, 60) for _ in range(n)]
    finally:
        child.stop()


@pytest.mark.parametrize(
    ("text", "where", "names"),
    [("m:f", "m", ("f",)), ("pkg.mod:f+af", "pkg.mod", ("f", "af")), ("./a/b.py:C.run", "./a/b.py", ("C.run",))],
)
def test_spec_parses_module_or_file_and_one_or_two_forms(text: str, where: str, names: tuple[str, ...]) -> None:
    spec = Spec.parse(text)
    assert (spec.where, spec.names) == (where, names)
    assert spec.is_file == where.endswith(".py")


def test_inspection_reports_forms_file_hash_and_version(user_file: Path) -> None:
    report = inspect_target(f"{user_file}:square+asquare", f"{user_file}:setup")
    assert (report["sync"], report["async"]) == ("square", "asquare")
    assert report["version"] == "1.2.3" and report["file"] == str(user_file)
    import hashlib

    assert report["sha256"] == hashlib.sha256(user_file.read_bytes()).hexdigest()
    assert report["setup"]["name"] == "setup" and report["setup"]["sha256"] == report["sha256"]
    assert report["needs_server"] is False
    with pytest.raises(TargetError, match="both async def"):
        inspect_target(f"{ROOT / 'tests' / 'bad_targets.py'}:coroutine+coroutine_too")


@pytest.mark.parametrize("executor", executor_params(leave_out=("dask",)))  # dask: tests/test_dask.py
def test_every_executor_runs_a_target_verified_by_index(executor: str, user_file: Path, no_leftovers: None) -> None:
    """Plain form under the blocking executors, async form under asyncio: every task's value checked."""
    report = inspect_target(f"{user_file}:square+asquare", f"{user_file}:setup")
    for done in rounds(report, executor, workers=1 if executor == "sequential" else 2):
        assert done["verified"] is True and done["value"] == done["expected"] == 6 and done["amount"] == 6


def test_setup_runs_once_in_every_process_that_runs_the_function(user_file: Path, no_leftovers: None) -> None:
    """processes at 2 workers: the worker (its reference run) and each of the 2 pool processes, once each."""
    report = inspect_target(f"{user_file}:square", f"{user_file}:setup")
    rounds(report, "processes", workers=2, n=3)
    pids = Path(os.environ["SETUP_LOG"]).read_text().split()
    assert len(pids) == len(set(pids)) == 3


#: A target whose cases fail, under which executor: the failure's kind, its message, and what its traceback holds.
FAILING = {
    # Values computed in other processes (pids) differ from the sequential run's, and the message says where.
    "a result that differs from the sequential run fails the check": (
        "whose",
        "processes",
        "NotVerified",
        "6 of 6 tasks differ from the sequential run; first, task 0: got",
        "",
    ),
    # A lambda: compared by identity and unpicklable, found in the worker before any round (test_user_mistakes.py).
    "a result that cannot be compared or pickled says so": (
        "unpicklable",
        "processes",
        "ResultError",
        "which compares by identity (its class defines no ==) and cannot be pickled back from a process",
        "Traceback",
    ),
    # The sequential reference run raises first: the worker does not start, and says why, with the traceback.
    "a raising function keeps its traceback": (
        "raises",
        "threads",
        "ValueError",
        "task 2 fails on purpose",
        'work.py", line',
    ),
}


@pytest.mark.parametrize("failing", list(FAILING.values()), ids=list(FAILING))
def test_a_failing_target_says_why(user_file: Path, no_leftovers: None, failing: tuple[str, ...]) -> None:
    function, executor, kind, message, traceback = failing
    report = inspect_target(f"{user_file}:{function}")
    with pytest.raises(CaseFailed) as failed:
        rounds(report, executor, workers=2)
    assert failed.value.kind == kind
    assert message in str(failed.value)
    assert traceback in failed.value.traceback


@pytest.mark.slow
def test_a_target_outside_the_project_runs_verified_and_is_reported(user_file: Path, tmp_path: Path) -> None:
    """From a folder outside the project: the saved run verifies every case, records the code, and reports it."""
    results, reports = tmp_path / "results", tmp_path / "reports"
    done = run_bench(
        "run",
        "--workloads",
        "./work.py:square+asquare",
        "--setup",
        "./work.py:setup",
        "--quick",
        "--round-seconds",
        "20ms",
        "--workers",
        "1,2",
        *BRIEF,
        "--results",
        str(results),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "sized square+asquare: tasks=" in done.stdout
    run = json.loads(saved_run(results).read_text())
    facts = run["machine_info"]["bench_run"]["workloads"]["square+asquare"]
    assert facts["target"]["sha256"] and facts["target"]["version"] == "1.2.3"
    assert facts["target"]["setup"]["spec"] == "./work.py:setup"
    tasks = run["machine_info"]["bench_run"]["config"]["values"]["square+asquare"]["tasks"]
    assert tasks >= 2 and tasks % 2 == 0  # calibrated, a multiple of the largest worker count
    executors = {b["params"]["executor"] for b in run["benchmarks"]}
    assert executors == {"sequential", "threads", "processes", "gevent", "asyncio"} - {
        name for name in ("gevent",) if f"{name} needs" in done.stdout
    }
    assert all(b["extra_info"]["verified"] for b in run["benchmarks"])
    assert run["machine_info"]["bench_run"]["failed"] == []
    index = (reports / saved_run(results).stem / "index.md").read_text()
    assert "square+asquare" in index and "scaling.png" in index and "cpu_per_core-square-asquare.png" in index


@pytest.mark.slow
def test_the_examples_run_verified(tmp_path: Path) -> None:
    """Every example in examples/ at tiny sizes, every case verified (the README lists what each teaches)."""
    examples = [
        "examples/pure_python.py:count_primes",
        "examples/hashing.py:digest",
        "examples/blocking_io.py:fetch+afetch",
        "examples/mixed.py:work+awork",
    ]
    assert {Path(spec.split(":")[0]).name for spec in examples} == {p.name for p in EXAMPLES.glob("*.py")}
    done = run_bench(
        "run",
        "--workloads",
        ",".join(examples),
        "--setup",
        "examples/hashing.py:setup",
        "--tasks",
        "4",
        "--workers",
        "2",
        *BRIEF,
        "--no-report",
        "--results",
        str(tmp_path),
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    run = json.loads(saved_run(tmp_path).read_text())
    assert {b["params"]["workload"] for b in run["benchmarks"]} == {
        "count_primes",
        "digest",
        "fetch+afetch",
        "work+awork",
    }
    assert all(b["extra_info"]["verified"] for b in run["benchmarks"])
    assert run["machine_info"]["bench_run"]["failed"] == []
