"""Shared fixtures: a tiny real run, saved by the real code, for the tests that read runs back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: A whole matrix at tiny sizes: every workload and executor, seconds in all.
TINY = [
    "--quick",
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
