"""``processes`` under the spawn start method.

Each child is a fresh interpreter that imports what it needs (the worker's module,
the workload, a user's target, loaded again by path): the slowest start and the
most memory per process. The default on macOS and Windows.
"""

from __future__ import annotations

from . import ExecutorInfo, processes

INFO = ExecutorInfo(
    "processes-spawn",
    "sync",
    (),
    True,
    "multiprocessing.Pool, spawn start method; multiprocessing.SimpleQueue",
    unit="process",
    rank=23,
    color="saddlebrown",
    default=False,
    whole_interpreters=True,
    offers=processes.OFFERS,  # the same primitives as processes, made in this start method's context
)


def unavailable(version: tuple[int, int]) -> str | None:
    return processes.method_unavailable("spawn")


class Executor(processes.Executor):
    start_method = "spawn"
