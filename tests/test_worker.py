"""bench.worker: the JSON-lines protocol, in-process with a fake case and through real worker processes."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from conftest import executor_params

import workloads
from bench.harness.child import Child, python_argv
from bench.harness.client import CaseFailed, run_round, start_worker
from bench.harness.matrix import Case
from bench.worker import protocol as worker

#: Starts the real worker (as ``python -m bench.worker CONFIG``) after registering a workload that talks on
#: stdout from everywhere it can: a plain print, a fake protocol line, raw bytes on fd 1, and its units.
#: ``prepare`` raises if the workload is made with ``fail=1``.
CHATTY_WORKER = r"""
import os, runpy, sys
from workloads import Outcome, Param, Workload, register

@register
class Chatty(Workload):
    name = "chatty"
    unit = "rounds/s"
    params = (Param("fail", "count0", 0, 0, "raise in prepare"),)

    def _talk(self):
        print("chatty: a print from the round")
        print('{"event": "done", "verified": false, "amount": 999}', flush=True)
        os.write(1, b"chatty: raw bytes on fd 1\n")
        sys.stdout.flush()

    def prepare_sync(self, ex):
        print("chatty: a print from prepare")
        if self.p["fail"]:
            raise ValueError("chatty: prepare failed on purpose")

    async def prepare_async(self, ex):
        self.prepare_sync(ex)

    def run_sync(self, ex):
        self._talk()
        ex.map(print, ["chatty: a print from a unit"] * 2)
        return Outcome(value=1, expected=1, amount=2)

    async def run_async(self, ex):
        self._talk()
        return Outcome(value=1, expected=1, amount=2)

sys.argv = ["bench.worker", *sys.argv[1:]]
runpy.run_module("bench.worker", run_name="__main__", alter_sys=True)
"""


def fault_case(mode: int, after: int = 0, executor: str = "sequential") -> Case:
    """The hidden ``fault`` workload: ``mode`` 0..5 = none/raise/exit/hang/kill/wrong, after ``after`` good rounds."""
    return Case("fault", executor, 1, (("after", after), ("mode", mode)))


@pytest.fixture
def spawn(process_tag: str) -> Iterator[Callable[[list[str]], Child]]:
    """Start worker processes from an argv; every one is stopped at the end."""
    children: list[Child] = []

    def start(argv: list[str]) -> Child:
        child = Child(argv, "a test worker")
        children.append(child)
        return child

    yield start
    for child in children:
        child.stop(polite=None)


def config(workload: str, executor: str = "sequential", workers: int = 1, **params: Any) -> str:
    return json.dumps({"workload": workload, "executor": executor, "workers": workers, "params": params, "context": {}})


# --- serve(), in-process: the protocol loop with a fake case ---


class FakeCase:
    """Stands in for ``worker.Case``: each round returns (or raises) the next of ``results``."""

    def __init__(self, *results: workloads.Outcome | Exception) -> None:
        self.results = list(results)
        self.rounds = 0

    def run_round(self) -> workloads.Outcome:
        self.rounds += 1
        result = self.results.pop(0)
        if isinstance(result, Exception):
            raise result
        return result


def served(case: FakeCase, commands: str) -> list[dict[str, Any]]:
    channel = io.StringIO()
    worker.serve(case, io.StringIO(commands), channel)  # type: ignore[arg-type]
    return [json.loads(line) for line in channel.getvalue().splitlines()]


def test_serve_answers_run_with_done() -> None:
    """Each ``run`` gets one ``done`` with the outcome, the amount and the worker-side round time."""
    outcome = workloads.Outcome(value=3, expected=3, amount=7, extra={"k": 1})
    (done,) = served(FakeCase(outcome), "run\n")
    assert done["event"] == "done"
    assert done["verified"] is True
    assert (done["value"], done["expected"], done["amount"], done["extra"]) == (3, 3, 7, {"k": 1})
    assert done["worker_s"] >= 0


def test_serve_reports_unknown_commands_and_keeps_serving() -> None:
    """An unknown command is an error message naming it; the next ``run`` is still answered."""
    ok = workloads.Outcome(value=0, expected=0, amount=1)
    case = FakeCase(ok)
    error, done = served(case, "jump\nrun\n")
    assert error["event"] == "error"
    assert error["type"] == "ProtocolError"
    assert "'jump'" in error["message"]
    assert done["event"] == "done"
    assert case.rounds == 1


def test_serve_reports_a_failed_round_with_its_traceback_and_keeps_serving() -> None:
    """A round that raises becomes an error message (type, message, traceback); the worker goes on."""
    ok = workloads.Outcome(value=0, expected=0, amount=1)
    error, done = served(FakeCase(RuntimeError("boom"), ok), "run\nrun\n")
    assert (error["event"], error["type"], error["message"]) == ("error", "RuntimeError", "boom")
    assert "RuntimeError: boom" in error["traceback"]
    assert "Traceback" in error["traceback"]
    assert done["event"] == "done"


def test_serve_stops_at_quit_and_at_end_of_input() -> None:
    """``quit`` ends the loop (later lines unread); so does the end of input."""
    ok = workloads.Outcome(value=0, expected=0, amount=1)
    case = FakeCase(ok, ok, ok)
    assert [m["event"] for m in served(case, "run\nquit\nrun\n")] == ["done"]
    assert case.rounds == 1
    assert [m["event"] for m in served(case, "run\n")] == ["done"]
    assert served(case, "") == []


def test_serve_reports_a_wrong_result_as_not_verified() -> None:
    """value != expected is sent as verified False, with both values for the message."""
    (done,) = served(FakeCase(workloads.Outcome(value=1, expected=2, amount=1)), "run\n")
    assert done["verified"] is False
    assert (done["value"], done["expected"]) == (1, 2)


# --- real worker processes ---


def test_ready_then_done_then_quit_exits_zero(process_tag: str) -> None:
    """A real worker says ready (with its start-up time), answers run with done, and exits 0 on quit."""
    child, ready = start_worker(Case("noop", "sequential", 1, ()), {})
    try:
        assert ready["event"] == "ready"
        assert ready["startup_s"] >= 0
        done = run_round(child, 30)
        assert done["event"] == "done" and done["verified"] is True and done["amount"] == 1
        child.send("quit")
        assert child.proc.wait(timeout=10) == 0
    finally:
        child.stop()


def test_ready_message_fields(spawn: Callable[[list[str]], Child]) -> None:
    """The ready message names the event, the worker's pid and its start-up seconds."""
    child = spawn(python_argv("bench.worker", config("noop")))
    ready = child.receive(30)
    assert ready["event"] == "ready"
    assert ready["pid"] == child.pid
    assert isinstance(ready["startup_s"], float) and 0 <= ready["startup_s"] < 30


def test_unknown_command_is_an_error_and_the_worker_keeps_serving(spawn: Callable[[list[str]], Child]) -> None:
    """A real worker answers an unknown command with an error event, then still runs rounds."""
    child = spawn(python_argv("bench.worker", config("noop")))
    assert child.receive(30)["event"] == "ready"
    child.send("dance")
    error = child.receive(10)
    assert error["event"] == "error" and error["type"] == "ProtocolError" and "dance" in error["message"]
    assert run_round(child, 10)["event"] == "done"


def test_closing_stdin_ends_the_worker(spawn: Callable[[list[str]], Child]) -> None:
    """End of input ends a real worker (exit code 0), so it cannot outlive the harness."""
    child = spawn(python_argv("bench.worker", config("noop", "threads", 2)))
    assert child.receive(30)["event"] == "ready"
    assert child.proc.stdin is not None
    child.proc.stdin.close()
    assert child.proc.wait(timeout=10) == 0


@pytest.mark.parametrize("executor", executor_params())
def test_a_workload_printing_to_stdout_does_not_corrupt_the_protocol(
    spawn: Callable[[list[str]], Child], executor: str
) -> None:
    """Prints, a fake protocol line and raw writes to fd 1 (also from pool units) go to stderr, not the channel."""
    child = spawn([sys.executable, "-c", CHATTY_WORKER, config("chatty", executor, 2, fail=0)])
    assert child.receive(30)["event"] == "ready"
    for _ in range(2):
        done = run_round(child, 30)
        assert done["event"] == "done" and done["amount"] == 2
    child.send("quit")
    assert child.proc.wait(timeout=10) == 0
    said = child.stderr_tail(lines=100)
    assert "chatty: a print from prepare" in said
    assert "chatty: raw bytes on fd 1" in said
    assert '"amount": 999' in said


def test_an_error_in_prepare_is_an_error_event_then_exit_1(spawn: Callable[[list[str]], Child]) -> None:
    """A workload failing in its untimed set-up is reported with its traceback; the worker exits 1."""
    child = spawn([sys.executable, "-c", CHATTY_WORKER, config("chatty", fail=1)])
    error = child.receive(30)
    assert error["event"] == "error"
    assert error["type"] == "ValueError"
    assert error["message"] == "chatty: prepare failed on purpose"
    assert "prepare_sync" in error["traceback"]
    assert child.proc.wait(timeout=10) == 1


def test_an_unknown_workload_is_an_error_event_then_exit_1(spawn: Callable[[list[str]], Child]) -> None:
    """A config naming no workload fails at start-up with an error event, not a silent death."""
    child = spawn(python_argv("bench.worker", config("no_such_workload")))
    error = child.receive(30)
    assert error["event"] == "error"
    assert "no_such_workload" in error["message"]
    assert child.proc.wait(timeout=10) == 1


def test_start_worker_turns_a_start_error_into_case_failed(process_tag: str) -> None:
    """start_worker raises CaseFailed with the worker's error type and traceback (and stops the worker)."""
    with pytest.raises(CaseFailed) as failed:
        start_worker(Case("no_such_workload", "sequential", 1, ()), {})
    assert failed.value.kind == "KeyError"
    assert "did not start" in str(failed.value)
    assert "Traceback" in failed.value.traceback


# --- the fault workload through the real protocol ---


def test_fault_raise_is_an_error_after_the_good_rounds_and_the_worker_goes_on(process_tag: str) -> None:
    """mode 1 (raise) after 1 good round: done, then RuntimeError with the worker's traceback, twice; quit is 0."""
    child, _ = start_worker(fault_case(1, after=1), {})
    try:
        assert run_round(child, 10)["verified"] is True
        for _ in range(2):
            with pytest.raises(CaseFailed) as failed:
                run_round(child, 10)
            assert failed.value.kind == "RuntimeError"
            assert "raised on purpose" in str(failed.value)
            assert "workloads/fault.py" in failed.value.traceback
        child.send("quit")
        assert child.proc.wait(timeout=10) == 0
    finally:
        child.stop()


@pytest.mark.parametrize(
    ("mode", "kind", "words"),
    [(2, "WorkerDied", "exited with code 3"), (4, "WorkerDied", "SIGKILL"), (5, "NotVerified", "got 1, expected 0")],
)
@pytest.mark.parametrize("executor", ["sequential", "processes"])
def test_fault_modes_become_case_failures(process_tag: str, mode: int, kind: str, words: str, executor: str) -> None:
    """exit, kill and a wrong answer are each told apart in the CaseFailed the round raises."""
    child, _ = start_worker(fault_case(mode, executor=executor), {})
    try:
        with pytest.raises(CaseFailed) as failed:
            run_round(child, 20)
        assert failed.value.kind == kind
        assert words in str(failed.value)
    finally:
        child.stop()


def test_fault_hang_is_a_timeout_and_stop_kills_the_tree(process_tag: str) -> None:
    """mode 3 (hang) is noticed at the round timeout; stop() then ends the worker and its pool processes."""
    child, _ = start_worker(fault_case(3, executor="processes"), {})
    try:
        assert len(child.tree()) >= 2  # the worker and its pool process
        with pytest.raises(CaseFailed) as failed:
            run_round(child, 1.0)
        assert failed.value.kind == "Timeout"
    finally:
        child.stop(grace=1.0)
    assert child.proc.returncode is not None


def test_baseline_command_runs_the_workload_sequentially_in_the_same_worker() -> None:
    """With a baseline, ``baseline`` answers a verified sequential round; without one, an error."""
    from bench.harness.client import CaseFailed, run_round, start_worker
    from bench.harness.matrix import Case

    case = Case("cpu", "threads", 2, (("n", 20_000), ("tasks", 0)))
    child, _ = start_worker(case, {}, baseline=True)
    try:
        done = run_round(child, 30, command="baseline")
        assert done["verified"] and done["amount"] == 20_000
        assert run_round(child, 30)["verified"]  # the case itself still runs
    finally:
        child.stop()
    child, _ = start_worker(case, {})
    try:
        with pytest.raises(CaseFailed, match="without a baseline"):
            run_round(child, 30, command="baseline")
    finally:
        child.stop()
