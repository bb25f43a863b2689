"""Workload definitions: what is run, independent of how it is run.

A workload is one small module holding a class decorated with ``@register``.
It is written once per *style*: ``run_sync`` for executors with a blocking
surface (sequential, threads, processes, gevent) and ``run_async`` for asyncio.
Workloads import nothing from ``bench``: the executor surface they use is the
duck-typed protocol below, which ``bench.executors`` implements.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

#: Modules imported by ``load_all``; adding a workload means adding a file and a name here.
MODULES = ("cpu", "http", "pipeline", "noop", "fault")


class Handle(Protocol):
    def result(self) -> Any: ...


class SyncExecutor(Protocol):
    """The surface a blocking-style executor offers to a workload."""

    workers: int

    def map(self, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]: ...
    def submit(self, fn: Callable[..., Any], *args: Any) -> Handle: ...
    def queue(self, index: int = 0) -> Any: ...


class AsyncExecutor(Protocol):
    """The surface the asyncio executor offers to a workload."""

    workers: int

    async def map(self, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]: ...
    def submit(self, coro: Any) -> Any: ...
    def queue(self, index: int = 0) -> Any: ...


@dataclass(frozen=True)
class Param:
    """One workload parameter: a full-run default, a ``--quick`` default, and its meaning."""

    name: str
    kind: str  # "int" (count >= 1), "count0" (count >= 0), or "duration" (seconds, given as 20ms/0.02s)
    default: float
    quick: float
    help: str


@dataclass
class Outcome:
    """What one round produced: the checked value and the amount of work done."""

    value: Any
    expected: Any
    amount: float  # in the workload's throughput unit, per round
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def verified(self) -> bool:
        return bool(self.value == self.expected)


class Workload:
    """Base class: subclasses set the class attributes and implement the runs."""

    name: ClassVar[str]
    unit: ClassVar[str]  # throughput unit, e.g. "iterations/s"
    params: ClassVar[tuple[Param, ...]] = ()
    queues: ClassVar[int] = 0  # executor queues the workload needs, made before timing
    hidden: ClassVar[bool] = False  # not part of the default matrix (e.g. the no-op)

    def __init__(self, workers: int, values: dict[str, Any], context: dict[str, Any]) -> None:
        self.workers = workers
        self.p = values
        self.context = context

    def units(self) -> int:
        """How many concurrent units (threads, processes, greenlets, tasks) the executor needs."""
        return self.workers

    def queue_maxsize(self) -> int:
        """Bound of the executor's queues (0: unbounded)."""
        return 0

    def skip_reason(self, executor: str) -> str | None:
        """Why this workload cannot run under ``executor`` with these values, or None."""
        return None

    def prepare_sync(self, ex: SyncExecutor) -> None:
        """Untimed set-up inside the worker (open connections, warm caches)."""

    async def prepare_async(self, ex: AsyncExecutor) -> None:
        """Untimed set-up inside the worker's event loop."""

    async def close_async(self) -> None:
        """Release what ``prepare_async`` made, inside the loop."""

    def run_sync(self, ex: SyncExecutor) -> Outcome:
        raise NotImplementedError

    async def run_async(self, ex: AsyncExecutor) -> Outcome:
        raise NotImplementedError


REGISTRY: dict[str, type[Workload]] = {}


def register(cls: type[Workload]) -> type[Workload]:
    """Class decorator adding a workload to the registry; a duplicate name is an error."""
    if cls.name in REGISTRY:
        raise ValueError(f"workload {cls.name!r} is registered twice")
    REGISTRY[cls.name] = cls
    return cls


def load_all() -> dict[str, type[Workload]]:
    """Import every workload module and return the registry."""
    for module in MODULES:
        importlib.import_module(f"{__name__}.{module}")
    return REGISTRY


def get(name: str) -> type[Workload]:
    """The workload class called ``name`` (imports only its module)."""
    if name not in REGISTRY:
        importlib.import_module(f"{__name__}.{name}")
    return REGISTRY[name]


def spin(n: int) -> int:
    """Pure-Python countdown of ``n`` steps: the unit of CPU work every workload uses."""
    done = 0
    while n > 0:
        n -= 1
        done += 1
    return done


def split(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` near-equal whole shares."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]
