"""``processes`` under the forkserver start method.

Children are forked from a small server process, started once and single-threaded,
that has imported little: safer than fork, cheaper than spawn. Linux's default
from 3.14.
"""

from __future__ import annotations

from . import ExecutorInfo, processes

INFO = ExecutorInfo(
    "processes-forkserver",
    "sync",
    (),
    True,
    "multiprocessing.Pool, forkserver start method; multiprocessing.SimpleQueue",
    unit="process",
    rank=22,
    color="chocolate",
    default=False,
    whole_interpreters=True,
    offers=processes.OFFERS,  # the same primitives as processes, made in this start method's context
)


def unavailable(version: tuple[int, int]) -> str | None:
    return processes.method_unavailable("forkserver")


class Executor(processes.Executor):
    start_method = "forkserver"
