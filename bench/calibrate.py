"""Sizes from time: choose cpu and pipeline sizes so a sequential round takes about S seconds.

As pyperf calibrates its loops: measure a sequential round at a first size,
scale linearly, and measure again until within 10% (three tries at most). The
chosen sizes are saved with the run (``bench_run.config.values``), and
``--sizes-from RUN`` repeats a run with exactly those sizes on another machine.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .matrix import Case
from .results import load_run, resolve
from .runner import run_round, start_worker

SIZE_PARAM = {"cpu": "n", "pipeline": "items"}  # the parameter that sets a round's length
TRIES = 3
ROUNDS_PER_TRY = 4  # the first is a warm-up
TOLERANCE = 0.10


def measure_round(workload: str, values: dict[str, Any]) -> float:
    """Median seconds of a sequential round of ``workload`` at ``values`` (the worker's own timing)."""
    case = Case(workload, "sequential", 1, tuple(sorted(values.items())))
    child, _ = start_worker(case, {})
    try:
        times = [float(run_round(child, 600)["worker_s"]) for _ in range(ROUNDS_PER_TRY)]
    finally:
        child.stop()
    return statistics.median(times[1:])


def calibrate(
    values: dict[str, dict[str, Any]], chosen: list[str], seconds: float, say: Callable[[str], None] = print
) -> dict[str, int]:
    """Set each chosen workload's size parameter in ``values`` in place; returns the sizes chosen."""
    sizes: dict[str, int] = {}
    for workload, param in SIZE_PARAM.items():
        if workload not in chosen:
            continue
        size = int(values[workload][param])
        for _ in range(TRIES):
            took = measure_round(workload, {**values[workload], param: size})
            say(f"calibrating {workload}: {param}={size:_} took {took * 1e3:.0f} ms (target {seconds * 1e3:.0f} ms)")
            if abs(took - seconds) <= TOLERANCE * seconds:
                break
            size = max(1, round(size * seconds / took))
        values[workload][param] = sizes[workload] = size
    return sizes


def sizes_from(spec: str, results: Path) -> dict[str, dict[str, Any]]:
    """The workload parameter values a saved run used (UserError if it is not a run)."""
    run = load_run(resolve(spec, results))
    config = run["machine_info"].get("bench_run", {}).get("config", {})
    values = config.get("values")
    if not isinstance(values, dict):
        from .errors import UserError

        raise UserError(f"{spec}: the run does not record its sizes (bench_run.config.values)")
    return values
