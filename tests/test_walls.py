"""The walls of the layout (DESIGN decision 10), checked on real processes and on the source.

``nox -s lint`` checks the imports statically (import-linter, pyproject's contracts); these tests check
what a real worker has loaded once it is ready, and that the harness and analysis name no workload.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import executor_params

import workloads
from bench.harness.client import start_worker
from bench.harness.matrix import Case
from bench.worker.protocol import WATCHED_MODULES

ROOT = Path(__file__).resolve().parents[1]
#: Where a workload's name may appear in bench/: the migration of format 1 (which knew workloads by name),
#: the self-check (it measures the harness on chosen workloads), machine.py (cgroup v1's "cpu" folder), and
#: the processes executor, which registers a variant per start method ("spawn" is a start method there, not the
#: spawn workload).
NAMING_ALLOWED = {
    "bench/migrations.py",
    "bench/harness/selfcheck.py",
    "bench/machine.py",
    "bench/worker/executors/processes.py",
}


# dask's scheduler and client live in the worker and import numpy and psutil: tests/test_dask.py checks that
# these two are all it adds, and every dask case records them (watched_modules).
@pytest.mark.parametrize("executor", executor_params(leave_out=("dask",)))
def test_a_ready_worker_has_loaded_nothing_heavy(executor: str) -> None:
    """pandas, matplotlib, numpy, pytest and psutil would be measured with the case: a worker never has them."""
    values = (("n", 1000), ("tasks", 0))
    for workload in ("cpu", "noop"):
        child, ready = start_worker(Case(workload, executor, 1, values if workload == "cpu" else ()), {})
        child.stop()
        assert ready["watched_modules"] == [], f"{executor} {workload}: {ready['watched_modules']}"
    assert set(WATCHED_MODULES) >= {"pandas", "matplotlib", "numpy", "pytest", "psutil"}


def test_no_workload_is_named_in_the_harness_or_the_analysis() -> None:
    """A workload is one file: bench/ decides nothing by a workload's name (its facts travel in the run)."""
    names = "|".join(sorted(workloads.load_all()))
    quoted = re.compile(rf"""["']({names})["']""")
    found = []
    for path in sorted((ROOT / "bench").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative in NAMING_ALLOWED:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if quoted.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert found == []
