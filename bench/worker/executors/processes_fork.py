"""``processes`` under the fork start method.

The child is a copy of the worker, its memory shared copy-on-write: the cheapest
start, unsafe once the parent has threads (deprecated then from 3.12), and not
available on Windows. Linux's default up to 3.13.
"""

from __future__ import annotations

from . import ExecutorInfo, processes

INFO = ExecutorInfo(
    "processes-fork",
    "sync",
    (),
    True,
    "multiprocessing.Pool, fork start method; multiprocessing.SimpleQueue",
    unit="process",
    rank=21,
    color="sandybrown",
    default=False,
    whole_interpreters=True,
    offers=processes.OFFERS,  # the same primitives as processes, made in this start method's context
)


def unavailable(version: tuple[int, int]) -> str | None:
    return processes.method_unavailable("fork")


class Executor(processes.Executor):
    start_method = "fork"
