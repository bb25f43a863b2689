"""What a process pool's processes inherit from the worker: its queues and primitives, found again by reference.

Queues and the tutorial's primitives reach pool processes only by inheritance: the
worker makes them before the pool, and the pool's initializer (``install``) puts
them in this module's tables in every process. Workloads hold picklable
references instead (``QueueRef``, ``Shared``) that find the real thing in
whichever process they are used, so nothing stands between a unit and it. Shared
by ``processes`` (and its start-method variants) and ``futures-processes``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workloads import ProcessSetup

from ..orphans import exit_with

_QUEUES: list[Any] = []  # this process's queues, installed by ``install``
_SHARED: dict[tuple[str, int], Any] = {}  # this process's primitives, installed by ``install``


def install(
    queues: list[Any],
    setup: ProcessSetup | None = None,
    worker_pid: int | None = None,
    shared: dict[Any, Any] | None = None,
) -> None:
    """Pool initializer: this process's queues and primitives, a watchdog on the worker, the workload's set-up."""
    _QUEUES[:] = queues
    _SHARED.update(shared or {})
    if worker_pid is not None:
        exit_with(worker_pid)
    if setup is not None:
        fn, args = setup
        fn(*args)


def table(made: Mapping[str, list[Any]]) -> dict[tuple[str, int], Any]:
    """Every primitive ``made`` (by capability) under the key its ``Shared`` reference names."""
    found: dict[tuple[str, int], Any] = {}
    for capability, primitives in made.items():
        for index, primitive in enumerate(primitives):
            if isinstance(primitive, tuple):  # a channel's or a handoff's two ends
                found.update({(f"{capability}/{end}", index): part for end, part in enumerate(primitive)})
            elif primitive is not None:
                found[(capability, index)] = primitive
    return found


class QueueRef:
    """Queue ``index`` of the executor, usable in the parent and in every pool process."""

    def __init__(self, index: int) -> None:
        self.index = index

    def put(self, item: Any) -> None:
        _QUEUES[self.index].put(item)

    def get(self) -> Any:
        return _QUEUES[self.index].get()


def _primitive(key: tuple[str, int]) -> Any:
    """How a ``Shared`` reference unpickles: as the primitive this process inherited."""
    return _SHARED[key]


class Shared:
    """A reference to one primitive: used where it was made, it forwards to it; pickled, it becomes it."""

    __slots__ = ("_key",)

    def __init__(self, key: tuple[str, int]) -> None:
        object.__setattr__(self, "_key", key)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_primitive, (self._key,))

    def __getattr__(self, name: str) -> Any:
        return getattr(_SHARED[self._key], name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(_SHARED[self._key], name, value)

    def __call__(self, *args: Any) -> Any:
        return _SHARED[self._key](*args)

    def __enter__(self) -> Any:
        return _SHARED[self._key].__enter__()

    def __exit__(self, *exc: object) -> Any:
        return _SHARED[self._key].__exit__(*exc)


def reference(capability: str, index: int, made: Any) -> Any:
    """A reference to primitive ``made`` (a pair of them for a channel's or a handoff's two ends)."""
    if isinstance(made, tuple):
        return tuple(None if part is None else Shared((f"{capability}/{end}", index)) for end, part in enumerate(made))
    return Shared((capability, index))
