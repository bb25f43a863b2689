"""Mistakes in a user's own function that only its results show: each is one line naming the cause and the remedy.

A result that compares by identity (a lambda), one that changes from call to call (random values, timestamps),
one that cannot be pickled back from a process; an async def function's calibration; and ``--check``, which
relaxes the comparison for results that vary by design.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import BRIEF, assert_none_left, run_bench

from bench.harness import calibrate
from bench.harness.client import CaseFailed, run_round, start_worker
from bench.harness.matrix import Case
from workloads import _result_check as check
from workloads.target import inspect_target, make

MISTAKES = """
import asyncio, random


def closure(i):
    return lambda: i


def sample(i):
    return random.random() + i


def view(i):
    return memoryview(bytes([i % 256]) * 8)  # compares by value, but cannot be pickled


def square(i):
    return i * i


async def asquare(i):
    await asyncio.sleep(0)
    return i * i
"""


@pytest.fixture
def mistakes(tmp_path: Path) -> Path:
    path = tmp_path / "mistakes.py"
    path.write_text(textwrap.dedent(MISTAKES))
    return path


@pytest.fixture
def no_leftovers(process_tag: str) -> Iterator[None]:
    yield
    assert_none_left(process_tag)


def target(path: Path, function: str, check_mode: str = check.EQUAL) -> dict[str, Any]:
    return {**inspect_target(f"{path}:{function}"), "check": check_mode}


def first_round(report: dict[str, Any], executor: str, workers: int = 2) -> dict[str, Any]:
    case = Case(str(report["sync"] or report["async"]), executor, workers, (("tasks", 4),))
    child, _ = start_worker(case, {}, target=report)
    try:
        return run_round(child, 60)
    finally:
        child.stop()


def one_line(failed: pytest.ExceptionInfo[CaseFailed]) -> str:
    message = str(failed.value)
    assert "\n" not in message and failed.value.kind == "ResultError"
    assert not message.startswith("worker did not start"), message  # the cause itself, said first
    return message


def test_a_result_that_compares_by_identity_names_the_cause(mistakes: Path, no_leftovers: None) -> None:
    """A lambda: no two calls are equal, and it cannot come back from a process either; the remedy is data."""
    with pytest.raises(CaseFailed) as failed:
        first_round(target(mistakes, "closure"), "threads")
    message = one_line(failed)
    assert "closure(0) returns a new function on every call, which compares by identity" in message
    assert "cannot be pickled back from a process" in message
    assert "return plain data" in message


def test_a_result_that_varies_names_the_option_that_relaxes_the_check(mistakes: Path, no_leftovers: None) -> None:
    with pytest.raises(CaseFailed) as failed:
        first_round(target(mistakes, "sample"), "sequential", workers=1)
    message = one_line(failed)
    assert "sample(0) returned" in message and "its results change from call to call" in message
    assert "--check type" in message and "--check none" in message


@pytest.mark.parametrize("mode", [check.TYPE, check.NONE])
def test_check_type_or_none_accepts_results_that_vary(mode: str, mistakes: Path, no_leftovers: None) -> None:
    done = first_round(target(mistakes, "sample", mode), "threads")
    assert done["verified"] is True and done["value"] == done["expected"] == 4


def test_an_unpicklable_result_fails_where_it_must_cross_a_process(mistakes: Path, no_leftovers: None) -> None:
    """A memoryview compares by value: fine under threads; a process pool cannot send it back, and says so."""
    report = target(mistakes, "view")
    assert first_round(report, "threads")["verified"] is True
    with pytest.raises(CaseFailed) as failed:
        first_round(report, "processes")
    message = one_line(failed)
    assert "view(0) returns a memoryview, which cannot be pickled" in message
    assert "cannot come back from a process" in message and "return plain data" in message


def test_an_async_function_calibrates_on_an_event_loop(mistakes: Path, no_leftovers: None) -> None:
    """An async def function has no sequential form: its calibration round awaits its tasks one at a time."""
    report = target(mistakes, "asquare")
    took = calibrate.measure_round("asquare", {"tasks": 8}, report)
    assert 0 < took < 60


def test_the_check_modes_and_their_mismatch_messages() -> None:
    """equal compares values, type their types, none nothing; a mismatch names the first task and the option."""
    assert check.same(1, 1, check.EQUAL) and not check.same(1, 2, check.EQUAL)
    assert check.same(1, 2, check.TYPE) and not check.same(1, "1", check.TYPE)
    assert check.same(object(), "x", check.NONE)
    assert check.checked([1, 2], [1, 2], check.EQUAL) == (2, "")
    passed, said = check.checked([1, 5, 6], [1, 2, 3], check.EQUAL)
    assert passed == 1
    assert said.startswith("2 of 3 tasks differ from the sequential run; first, task 1: got 5, expected 2")
    assert check.RELAX in said
    assert "task 0 returned a str, the sequential run a int" in check.checked(["a"], [1], check.TYPE)[1]
    assert check.checked([1], [1, 2], check.NONE) == (1, "1 results came back for 2 tasks")


def test_the_reference_is_judged_from_task_0_called_twice() -> None:
    """Equal twice: fine; equal by identity only, or different values: the cause; unpicklable only matters
    where results cross a process."""
    assert check.reference_problem("f", (1, "a"), (1, "a"), check.EQUAL, crosses_processes=True) is None
    assert check.compares_by_identity(object()) and not check.compares_by_identity(3)
    assert "compares by identity" in str(check.reference_problem("f", object(), object(), check.EQUAL, False))
    assert "change from call to call" in str(check.reference_problem("f", 0.1, 0.2, check.EQUAL, False))
    assert check.reference_problem("f", 0.1, 0.2, check.TYPE, False) is None
    view = memoryview(b"x")
    assert check.reference_problem("f", view, memoryview(b"x"), check.EQUAL, crosses_processes=False) is None
    assert "cannot be pickled" in str(check.reference_problem("f", view, view, check.EQUAL, crosses_processes=True))


@pytest.mark.slow
def test_a_run_on_such_a_function_stops_with_one_error_line(mistakes: Path, tmp_path: Path) -> None:
    """Found while sizing the function, before any case runs: one ERROR line, exit 2, nothing saved."""
    results = tmp_path / "results"
    done = run_bench("run", "--workloads", f"{mistakes}:sample", *BRIEF, "--no-report", "--results", str(results))
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr[-2000:]
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"ERROR: {mistakes}:sample: sample(0) returned") and "--check type" in line
    assert not list(results.rglob("*.json"))


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--workloads", "cpu", "--check", "type"], "ERROR: --check is how your own functions' results are checked"),
        (["--check", "loose"], "ERROR: argument --check: 'loose' is no check; choose from: equal, type, none"),
    ],
)
def test_check_option_mistakes_are_one_line(args: list[str], said: str, tmp_path: Path) -> None:
    done = run_bench("run", *args, "--results", str(tmp_path))
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(said), line


def test_what_a_function_cannot_run_under_is_one_reason_for_all_its_cases(mistakes: Path) -> None:
    """A plain function under asyncio, an async one under the blocking executors: the reason names neither the
    function nor the worker count, so the run says it once for all such cases."""
    plain = [make(name, target(mistakes, name)) for name in ("square", "sample")]
    reasons = {cls(workers, {"tasks": 4}, {}).skip_reason("asyncio", "async") for cls in plain for workers in (1, 2)}
    (reason,) = reasons
    assert str(reason).startswith("asyncio runs only your async def functions") and "+afunc" in str(reason)
    coroutine = make("asquare", target(mistakes, "asquare"))
    said = {coroutine(1, {"tasks": 4}, {}).skip_reason(name, "sync") for name in ("threads", "processes")}
    assert len(said) == 1 and "only an event loop runs an async def function" in str(said.pop())
