"""Sizes from time: choose each workload's size so a sequential round takes about S seconds.

As pyperf calibrates its loops: measure a sequential round at a first size,
scale linearly, and measure again until within 10% (three tries at most). The
parameter scaled is the workload's own ``size_param``. Built-in workloads are
calibrated when ``--round-seconds`` asks for it; a user's function whenever
``--tasks`` is not given. The chosen sizes are saved with the run
(``bench_run.config.values``), and ``--sizes-from RUN`` repeats them exactly on
another machine.
"""

from __future__ import annotations

import contextlib
import functools
import statistics
from collections.abc import Callable, Mapping
from typing import Any

from workloads.target import ResultError

from .. import ASYNC_BASELINE, BASELINE
from ..errors import UserError
from .client import CaseFailed, run_round, start_worker
from .config import RunConfig, target_round_seconds
from .matrix import Case
from .server_handle import ServerHandle

TRIES = 3
ROUNDS_PER_TRY = 4  # the first is a warm-up
TOLERANCE = 0.10
FIRST_TASKS = 4  # a user function's first try; its tasks may take anything from microseconds to seconds
MAX_TASKS = 10_000  # beyond this, dispatching a task costs more than running it under every executor

#: How one try is timed: (workload, values, target report) -> seconds of a sequential round.
Measure = Callable[[str, Mapping[str, Any], Mapping[str, Any] | None], float]


def measure_round(
    workload: str,
    values: Mapping[str, Any],
    target: Mapping[str, Any] | None = None,
    context: Mapping[str, Any] | None = None,
) -> float:
    """Median seconds of a sequential round of ``workload`` at ``values`` (the worker's own timing).

    A user's async-only function cannot run under ``sequential``: its round is its tasks awaited one at a
    time on one event loop, as its paired baseline is (``bench.worker.case``).
    """
    async_only = target is not None and not target.get("sync")
    case = Case(workload, ASYNC_BASELINE if async_only else BASELINE, 1, tuple(sorted(values.items())))
    child, _ = start_worker(case, dict(context or {}), target=target)
    try:
        times = [float(run_round(child, 600)["worker_s"]) for _ in range(ROUNDS_PER_TRY)]
    finally:
        child.stop()
    return statistics.median(times[1:])


def next_size(size: int, took: float, seconds: float, multiple: int = 1) -> int:
    """The size that should take ``seconds``, scaled from one that took ``took``, rounded up to ``multiple``."""
    scaled = max(1, round(size * seconds / max(took, 1e-9)))
    return -(-scaled // multiple) * multiple


def calibrate_one(
    workload: str,
    param: str,
    values: Mapping[str, Any],
    seconds: float,
    *,
    target: Mapping[str, Any] | None = None,
    multiple: int = 1,
    measure: Measure = measure_round,
    say: Callable[[str], None] = print,
) -> int:
    """The size of ``param`` that makes a sequential round of ``workload`` take about ``seconds``."""
    size = int(values[param]) or FIRST_TASKS
    for _ in range(TRIES):
        measured = size
        took = measure(workload, {**values, param: size}, target)
        if abs(took - seconds) <= TOLERANCE * seconds:
            break
        size = next_size(size, took, seconds, multiple)
    how = (
        f"{took * 1e3:.0f} ms measured"
        if size == measured
        else f"scaled from {took * 1e3:.0f} ms at {param}={measured:_}"
    )
    say(f"sized {workload}: {param}={size:_} for a sequential round of about {seconds * 1e3:.0f} ms ({how})")
    return size


def sized(config: RunConfig) -> list[str]:
    """The workloads of the run whose size is calibrated: a user's function without --tasks, and the built-in
    ones that have a size when --round-seconds asks for it."""
    return [
        name
        for name in config.workloads
        if config.workload(name).size_param is not None
        and name not in config.explicit_sizes
        and (name in config.targets or config.round_seconds)
    ]


def calibrate(config: RunConfig, measure: Measure | None = None, say: Callable[[str], None] = print) -> dict[str, int]:
    """The size chosen for every workload that asks for it (``config.with_sizes`` makes the run of them).

    A user function whose calibration fails (it raises, say) keeps a small default size:
    its cases then fail, with the traceback recorded, instead of the whole run stopping here.
    A workload that needs the local server is sized against one, started for the sizing and stopped after.
    """
    names = sized(config)
    with contextlib.ExitStack() as stack:
        if measure is None:
            context: dict[str, Any] = {}
            if any(config.workload(name).needs_server for name in names):
                context = {"url": stack.enter_context(ServerHandle(config.server_port)).url}
            measure = functools.partial(measure_round, context=context)
        return {name: _size(config, name, measure, say) for name in names}


def _size(config: RunConfig, name: str, measure: Measure, say: Callable[[str], None]) -> int:
    """Workload ``name``'s calibrated size (a failed calibration keeps a small default, and says so)."""
    param = str(config.workload(name).size_param)
    target = config.targets.get(name)
    seconds = target_round_seconds(config) if target else float(config.round_seconds or 0)
    multiple = max(config.ladder(name)) if target else 1  # every worker count then gets equal shares
    try:
        size = calibrate_one(
            name, param, config.values[name], seconds, target=target, multiple=multiple, measure=measure, say=say
        )
    except CaseFailed as exc:
        if exc.kind == ResultError.__name__:  # every case would fail the same way: say it once, now
            raise UserError(f"{target['spec'] if target else name}: {exc}") from None
        size = int(config.values[name][param]) or FIRST_TASKS * multiple
        say(f"calibrating {name} failed ({exc.kind}: {exc}); using {param}={size}: its cases will show the error")
    if target is not None and size > MAX_TASKS:
        size = MAX_TASKS
        say(
            f"{name}: {param} capped at {MAX_TASKS:_}: its tasks are so short that handing each to a unit "
            f"costs more than running it (--{param} N to choose)"
        )
    return size
