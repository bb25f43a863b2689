"""Shared fixtures: a tiny real run, saved by the real code, for the tests that read runs back."""

from __future__ import annotations

import json
import os
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
    "--warmup",
    "1",
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


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The path of a saved run of the whole matrix at tiny sizes (made once per test session)."""
    results = tmp_path_factory.mktemp("results")
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
    from bench.worker.executors import missing_requirements

    missing = missing_requirements(executor)
    if missing:
        return f"{executor} needs {', '.join(missing)}"
    if executor == "gevent" and machine.free_threaded_build():
        return "gevent does not support free-threaded builds"
    return None


def executor_params() -> list[Any]:
    """Every executor as a pytest parameter, skipped (with the reason) where it cannot run here."""
    from bench.worker.executors import registry

    return [
        pytest.param(name, marks=pytest.mark.skipif(reason is not None, reason=reason or ""))
        for name in registry()
        for reason in [unrunnable_reason(name)]
    ]
