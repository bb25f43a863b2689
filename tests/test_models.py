"""The models beyond the first five: start methods, ProcessPoolExecutor, subinterpreters, uvloop.

Every executor already runs every workload in tests/test_executors.py; here is what is particular to each:
the start method really used and recorded, pools fully started before timing, no pool process outliving a
killed worker, what crosses into a subinterpreter (and what is refused), uvloop's loop really in use.
Subinterpreter tests are marked ``subinterpreters``: ``nox -s tests-subinterpreters`` runs them under 3.12+.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from conftest import assert_none_left, executor_param, unrunnable_reason

from bench.harness import config, matrix
from bench.harness.child import Child
from bench.harness.client import CaseFailed, run_round, start_worker
from bench.harness.matrix import Case
from bench.worker import executors
from bench.worker.case import Case as WorkerCase

ROOT = Path(__file__).resolve().parents[1]
CPU_LONG = (("n", 2_000_000_000), ("tasks", 0))  # a round that is still running when the worker is killed


@pytest.fixture
def no_leftovers(process_tag: str) -> Iterator[None]:
    yield
    assert_none_left(process_tag)


def helpers(child: Child) -> list[psutil.Process]:
    """The worker's descendants that are not pool units: multiprocessing's resource tracker and forkserver."""
    return [proc for proc in child.tree() if proc.pid != child.pid and _helper(proc, child.pid)]


def _helper(proc: psutil.Process, worker: int) -> bool:
    try:
        line, parent = " ".join(proc.cmdline()), proc.ppid()
    except psutil.Error:
        return False
    # A forkserver's children carry its command line too: the server itself is the one the worker started.
    return "resource_tracker" in line or ("forkserver" in line and parent == worker)


def pool_processes(child: Child) -> list[psutil.Process]:
    """The worker's pool processes (its descendants, less the helpers)."""
    return [proc for proc in child.tree() if proc.pid != child.pid and not _helper(proc, child.pid)]


# ---- start methods -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["fork", "forkserver", "spawn"])
def test_each_start_method_is_the_one_used_and_is_recorded(method: str, no_leftovers: None) -> None:
    """The pool processes are made the method's way, and the worker reports the method for the saved case."""
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} here")
    child, ready = start_worker(Case("noop", f"processes-{method}", 2, ()), {})
    try:
        assert ready["executor"] == {"start_method": method}
        pool = pool_processes(child)
        assert len(pool) == 2
        worker = psutil.Process(child.pid)
        for proc in pool:
            line = " ".join(proc.cmdline())
            if method == "spawn":  # a fresh interpreter, started by the worker
                assert "spawn_main" in line and proc.ppid() == child.pid
            elif method == "forkserver":  # forked by the forkserver, not by the worker
                assert proc.ppid() != child.pid and "forkserver" in " ".join(psutil.Process(proc.ppid()).cmdline())
            else:  # a copy of the worker
                assert proc.cmdline() == worker.cmdline() and proc.ppid() == child.pid
        assert run_round(child, 30)["verified"]
    finally:
        child.stop()


@pytest.mark.parametrize("executor", ["processes", "futures-processes"])
def test_the_default_start_method_is_recorded(executor: str, no_leftovers: None) -> None:
    child, ready = start_worker(Case("noop", executor, 1, ()), {})
    child.stop()
    assert ready["executor"] == {"start_method": multiprocessing.get_start_method()}


def test_process_pool_executor_has_every_process_up_before_timing(no_leftovers: None) -> None:
    """ProcessPoolExecutor starts processes lazily: start() must have made all of them (they met at a barrier)."""
    child, ready = start_worker(Case("noop", "futures-processes", 3, ()), {})
    try:
        assert len(pool_processes(child)) == 3
        assert ready["startup_s"] > 0
    finally:
        child.stop()


@pytest.mark.parametrize("busy", [False, True], ids=["idle", "busy"])
@pytest.mark.parametrize("executor", ["processes", "processes-forkserver", "futures-processes"])
def test_no_pool_process_outlives_a_killed_worker(executor: str, busy: bool, no_leftovers: None) -> None:
    """SIGKILL to the worker alone (not its group): its pool processes, idle or busy, end within a second."""
    if unrunnable_reason(executor):
        pytest.skip(str(unrunnable_reason(executor)))
    child, _ = start_worker(Case("cpu", executor, 2, CPU_LONG), {})
    try:
        pool = pool_processes(child)
        assert len(pool) == 2
        if busy:
            child.send("run")
            deadline = time.monotonic() + 10
            while sum(proc.cpu_times().user for proc in pool) < 0.2 and time.monotonic() < deadline:
                time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        _, alive = psutil.wait_procs(pool + helpers(child), timeout=5)
        assert not alive, [" ".join(proc.cmdline()) for proc in alive]
    finally:
        child.stop()


# ---- subinterpreters -----------------------------------------------------------------------------------------


def test_subinterpreters_are_skipped_with_the_reason_where_they_share_a_gil(tmp_path: Path) -> None:
    """On 3.11 the matrix skips them saying why; on 3.12+ they run (when the backport is installed)."""
    made = config.build({"results": str(tmp_path), "executors": ["interpreters"], "workloads": ["cpu"]})
    reasons = {case.skip for case in matrix.build(made)}
    if sys.version_info < (3, 12):
        assert reasons == {
            "interpreters: subinterpreters with their own GIL need Python 3.12 or later (PEP 684); "
            f"on 3.{sys.version_info.minor} they all share one GIL"
        }
    else:
        assert reasons == {None}


def test_what_subinterpreters_need_is_answered_for_any_python() -> None:
    """A backport on 3.12/3.13, the standard library from 3.14, and no own GIL before 3.12: for the workers' Python."""
    assert executors.requirements("interpreters", (3, 12)) == ("backports.interpreters",)
    assert executors.requirements("interpreters", (3, 13)) == ("backports.interpreters",)
    assert executors.requirements("interpreters", (3, 14)) == ()
    assert "share one GIL" in str(executors.unavailable("interpreters", (3, 11)))
    assert executors.unavailable("interpreters", (3, 13)) is None
    assert executors.requirements("threads", (3, 11)) == executors.info("threads").requires == ()


INTERPRETERS = executor_param("interpreters")


@pytest.mark.parametrize("executor", [INTERPRETERS])
def test_units_are_subinterpreters_all_made_before_timing(executor: str) -> None:
    """start() makes every interpreter; tasks run in them, never in the main one."""
    from subinterpreter_probe import all_interpreters, interpreter_id

    before = set(all_interpreters())
    pool = executors.create(executor, 3, 0, 0)
    pool.start()
    try:
        made = set(all_interpreters()) - before
        assert len(made) == 3
        assert set(pool.map(interpreter_id, list(range(12)))) <= made
        assert pool.submit(interpreter_id, 0).result() in made
    finally:
        pool.close()
    assert set(all_interpreters()) == before  # each unit closed its interpreter


@pytest.mark.parametrize("executor", [INTERPRETERS])
def test_what_cannot_cross_into_a_subinterpreter_says_why(executor: str) -> None:
    """A lambda cannot be pickled by reference; an exception inside comes back with its traceback from there."""
    import pickle

    pool = executors.create(executor, 1, 0, 0)
    pool.start()
    try:
        with pytest.raises((pickle.PicklingError, AttributeError)):
            pool.map(lambda i: i, [1])
        with pytest.raises(Exception, match="in the subinterpreter") as raised:
            pool.map(len, [1])
        assert "TypeError: object of type 'int' has no len()" in str(raised.value)
    finally:
        pool.close()


USER_FILE = """
import os
_ready = []

def setup():
    _ready.append(1)
    with open(os.environ["SETUP_LOG"], "a") as log:
        log.write(f"{os.getpid()}\\n")

def square(i):
    assert _ready, "setup was not called in this interpreter"
    return i * i
"""


@pytest.mark.parametrize("executor", [INTERPRETERS])
def test_setup_runs_in_every_subinterpreter_and_the_worker_exits_cleanly(
    executor: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_leftovers: None
) -> None:
    """A user's setup: once in the worker's own interpreter and once in each unit, all in one process.

    The worker exits with 0 once it is done, on 3.12 too (which can abort at the end of a process whose
    subinterpreters imported some C extensions: the executor ends it with os._exit).
    """
    from workloads.target import inspect_target

    work = tmp_path / "work.py"
    work.write_text(textwrap.dedent(USER_FILE))
    monkeypatch.setenv("SETUP_LOG", str(tmp_path / "setup.log"))
    report = inspect_target(f"{work}:square", f"{work}:setup")
    child, ready = start_worker(Case("square", executor, 2, (("tasks", 6),)), {}, target=report)
    try:
        for _ in range(2):
            assert run_round(child, 30)["verified"]
    finally:
        child.stop()
    assert child.proc.returncode == 0, child.proc.returncode
    pids = (tmp_path / "setup.log").read_text().split()
    assert pids == [str(child.pid)] * 3
    assert ready["executor"]["implementation"]


@pytest.mark.parametrize("executor", [INTERPRETERS])
def test_an_import_that_would_abort_the_process_is_refused_with_the_reason(
    executor: str, tmp_path: Path, no_leftovers: None
) -> None:
    """gevent aborts a process when a subinterpreter imports it (3.13): refused there, and the case says so."""
    pytest.importorskip("gevent")
    from workloads.target import inspect_target

    work = tmp_path / "greenish.py"
    work.write_text("import gevent\n\ndef task(i):\n    return i\n")
    report = inspect_target(f"{work}:task")
    with pytest.raises(CaseFailed) as failed:
        start_worker(Case("task", executor, 1, (("tasks", 2),)), {}, target=report)
    assert "gevent is not imported in a subinterpreter" in str(failed.value)


# ---- uvloop ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("executor", "loop_module"), [executor_param("uvloop", "uvloop"), ("asyncio", "asyncio")])
def test_rounds_run_on_the_executors_own_event_loop(executor: str, loop_module: str) -> None:
    """uvloop's worker runs its rounds (and the paired baseline) on uvloop's loop; asyncio on the default one."""
    config_: dict[str, Any] = {"workload": "noop", "executor": executor, "workers": 2, "params": {}, "baseline": True}
    case = WorkerCase(config_)
    try:
        case.start()
        assert type(case.loop).__module__.split(".")[0] == loop_module
        assert case.run_round().verified and case.run_baseline().verified
    finally:
        case.close()
