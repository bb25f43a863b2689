"""Shared fixtures: a tiny real run, saved by the real code, for the tests that read runs back."""

from __future__ import annotations

import copy
import fcntl
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]

#: The briefest timing of a real run: two rounds, no warm-up, fast sampling. The tests that start
#: ``python -m bench run`` add what they measure (and --no-report, unless they read the report).
BRIEF = [
    *("--rounds", "2", "--max-rounds", "2", "--warmup", "0", "--warmup-seconds", "0s", "--warmup-limit", "0s"),
    *("--interval", "10ms", "--load-limit", "0", "--no-duels"),  # the suite's own processes are "other load"
]

#: The first three workloads over every executor at tiny sizes, seconds in all (the tutorial's systems,
#: locks to convoy, have a tiny run of their own in test_systems.py).
TINY_WORKLOADS = ["cpu", "http", "pipeline"]
TINY = [
    "--quick",
    "--workloads",
    ",".join(TINY_WORKLOADS),
    "--workers",
    "1,2",
    "--http-workers",
    "1,4",
    "--rounds",
    "3",
    "--max-rounds",
    "4",
    "--load-limit",
    "0",
    "--no-duels",  # a duel's holding depends on how the tiny rounds fell: test_duel.py holds its own
    "--warmup",
    "1",
    "--warmup-limit",
    "0.3s",
    "--cpu-n",
    "20000",
    "--http-requests",
    "8",
    "--http-latency",
    "1ms",
    "--pipeline-items",
    "200",
    "--interval",
    "10ms",
    "--no-report",
]


def run_bench(*args: str, cwd: Path = ROOT, timeout: float = 300, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """``python -m bench ARGS`` in a subprocess, as a user would run it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "bench", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **kwargs,
    )


def saved_run(results: Path) -> Path:
    runs = sorted(results.rglob("[0-9][0-9][0-9][0-9]_*.json"))
    assert runs, f"no run saved under {results}"
    return runs[-1]


#: Round times (and per-round speedups) as multiples of a case's median: steady enough to resolve a few percent.
STEADY = (0.99, 1.0, 1.01, 0.995, 1.005, 1.0)


def steady(
    data: dict[str, Any], factor: float = 1.0, speedup: float = 1.0, passes: int = 1, spread: float = 0.0
) -> dict[str, Any]:
    """A copy of a run whose cases have low-noise rounds around ``factor`` x its median, ``passes`` passes each.

    Per-round speedups become ``speedup`` x their median; pass ``k`` is shifted by ``spread * k`` (process luck).
    """
    data = copy.deepcopy(data)
    entries = []
    for entry in data["benchmarks"]:
        for index in range(passes):
            one = copy.deepcopy(entry)
            luck = 1.0 + spread * (index - (passes - 1) / 2)
            median = entry["stats"]["median"] * factor * luck
            one["params"]["pass"] = index
            one["stats"].update(data=[median * k for k in STEADY], median=median)
            extra = one["extra_info"]
            extra["unstable"] = []
            if extra.get("speedup_rounds"):
                ratio = statistics.median(entry["extra_info"]["speedup_rounds"]) * speedup * luck
                extra["speedup_rounds"] = [ratio * k for k in STEADY]
            entries.append(one)
    data["benchmarks"] = entries
    return data


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The path of a saved run of the whole matrix at tiny sizes (made once per test session).

    Under pytest-xdist its workers share it: the first to need it makes it, under a lock, beside their
    own temporary folders (keyed by the session's id, so never a run of an earlier session).
    """
    session = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if session is None:
        return _make_tiny_run(tmp_path_factory.mktemp("results"))
    shared = tmp_path_factory.getbasetemp().parent / f"tiny-run-{session}"
    shared.mkdir(exist_ok=True)
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        made = list((shared / "results").rglob("[0-9][0-9][0-9][0-9]_*.json"))
        return made[0] if made else _make_tiny_run(shared / "results")


def _make_tiny_run(results: Path) -> Path:
    done = run_bench("run", *TINY, "--results", str(results))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return saved_run(results)


@pytest.fixture(scope="session")
def tiny_run_data(tiny_run: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(tiny_run.read_text())
    return data


# --- Processes a test started: tagged through the environment, so none may outlive it. ---

#: Every process a test starts inherits this variable (with the test's own value) from the test process.
PROCESS_TAG = "CONCURRENCY_BENCH_TEST_TAG"


def tagged_processes(tag: str) -> list[psutil.Process]:
    """Live processes, other than this one, whose environment carries ``tag``."""
    found = []
    for proc in psutil.process_iter():
        if proc.pid == os.getpid():
            continue
        try:
            if proc.status() != psutil.STATUS_ZOMBIE and proc.environ().get(PROCESS_TAG) == tag:
                found.append(proc)
        except psutil.Error:
            continue
    return found


def assert_none_left(tag: str, grace: float = 5.0) -> None:
    """Fail, naming them, if processes tagged ``tag`` are still alive ``grace`` seconds from now (then kill them)."""
    deadline = time.monotonic() + grace
    while (left := tagged_processes(tag)) and time.monotonic() < deadline:
        time.sleep(0.1)
    if not left:
        return
    described = []
    for proc in left:
        try:
            described.append(f"{proc.pid}: {' '.join(proc.cmdline())[:200]}")
            proc.kill()
        except psutil.Error:
            continue
    raise AssertionError("processes left behind:\n" + "\n".join(described))


@pytest.fixture
def process_tag(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A unique tag in the environment of every process the test starts; none may be left when it ends."""
    tag = uuid.uuid4().hex
    monkeypatch.setenv(PROCESS_TAG, tag)
    yield tag
    assert_none_left(tag)


def bench_env() -> dict[str, str]:
    """The environment ``run_bench`` gives ``python -m bench`` (for a Popen of it)."""
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def unrunnable_reason(executor: str) -> str | None:
    """Why ``executor`` cannot run on this interpreter (the matrix skips it too), or None."""
    from bench import machine
    from bench.worker.executors import info, missing_requirements, unavailable

    missing = missing_requirements(executor)
    if missing:
        return f"{executor} needs {', '.join(missing)}"
    if machine.free_threaded_build() and not info(executor).free_threaded:
        return f"{executor} does not run on free-threaded builds: {info(executor).not_free_threaded}"
    return unavailable(executor)


#: Executors whose tests need more than the tests session has: a marker runs them in a session of their own.
MARKS = {"dask": pytest.mark.distributed, "interpreters": pytest.mark.subinterpreters}


def executor_param(name: str, *more: Any) -> Any:
    """``name`` (and ``more`` values) as a pytest parameter: skipped, with the reason, where it cannot run here,
    and marked if it needs to be."""
    reason = unrunnable_reason(name)
    marks = [pytest.mark.skipif(reason is not None, reason=reason or ""), *([MARKS[name]] if name in MARKS else [])]
    return pytest.param(name, *more, marks=marks)


def executor_params(*, leave_out: tuple[str, ...] = ()) -> list[Any]:
    """Every executor (but ``leave_out``) as a pytest parameter (``executor_param``)."""
    from bench.worker.executors import registry

    return [executor_param(name) for name in registry() if name not in leave_out]
