"""What runs inside a subinterpreter of the ``interpreters`` executor: its set-up, its tasks, its start rendezvous.

Each of these crosses into a unit as bare code (the backport's ``call()`` ships
only ``__code__``: no defaults, no closures, no module globals), so each imports
what it uses; on 3.14 ``InterpreterPoolExecutor`` finds them by reference, in this
module, which imports only the standard library. The worker's main interpreter
keeps the pools (``interpreters``).
"""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Sequence
from types import ModuleType

#: Imports refused inside a subinterpreter: ``import gevent`` there aborts the whole process (3.13.0).
DENIED = ("gevent",)


def boot(sys_path: list[str], denied: tuple[str, ...], setup: bytes) -> None:
    """First call in a new interpreter: the worker's import path, the deny-list, the workload's set-up."""
    import pickle
    import sys

    sys.path[:] = sys_path
    from bench.worker.executors._in_subinterpreter import deny_imports

    deny_imports(denied)
    found = pickle.loads(setup)
    if found is not None:
        fn, args = found
        fn(*args)


def run(task: bytes) -> bytes:
    """One task inside a unit: ``(fn, args)`` pickled in, ``(True, result)`` or ``(False, error, traceback)`` out."""
    import pickle

    try:
        fn, args = pickle.loads(task)
        return pickle.dumps((True, fn(*args)))
    except BaseException as exc:
        import traceback

        return pickle.dumps((False, f"{type(exc).__name__}: {exc}", traceback.format_exc()))


class Denied(importlib.abc.MetaPathFinder):
    """A meta path finder refusing ``names`` (and their submodules) with a clear ImportError."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None) -> None:
        if fullname.split(".", maxsplit=1)[0] in self.names:
            raise ImportError(
                f"{fullname} is not imported in a subinterpreter: it aborts the whole process there "
                "(gevent on 3.13); run this code under another executor"
            )


def deny_imports(names: tuple[str, ...]) -> None:
    """Refuse ``names`` in this interpreter from now on."""
    if names and not any(isinstance(finder, Denied) for finder in sys.meta_path):
        sys.meta_path.insert(0, Denied(names))


def rendezvous(arrived: int, go: int) -> None:
    """Inside a unit at start: say it is there, then wait until every unit is."""
    import os

    os.write(arrived, b"\0")
    os.read(go, 1)
