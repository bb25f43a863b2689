"""Subinterpreters, each with its own GIL (PEP 684/734): CPU parallelism inside one process.

Where it comes from: on 3.14, ``concurrent.futures.InterpreterPoolExecutor``; on
3.12 and 3.13 the ``backports-interpreters`` package (``from backports import
interpreters``), which has no pool, so this file builds one: a thread of the
worker per unit, each owning one interpreter and calling into it for one task
at a time. Both are started before timing (every interpreter created and set
up). On 3.11 interpreters share one GIL: skipped, with that reason.

What crosses the boundary, and how: interpreters share no Python objects. A
task travels as bytes, ``pickle.dumps((fn, args))``, so ``fn`` must be importable
by reference (a module-level function: no lambda, closure or bound method), the
arguments and the result picklable; ``run`` unpickles and calls it inside the
unit and pickles the result back. ``run`` and ``boot`` are written to cross as
bare code (the backport's ``call()`` ships only ``__code__``: no defaults, no
closures, no module globals), so they import everything themselves: they live
in ``_in_subinterpreter``, with the rest of what runs inside a unit. Each new
interpreter first gets the worker's ``sys.path``, a deny-list of imports that
crash a subinterpreter, and the workload's per-process set-up (a user's
``--setup`` and target), as every pool process does.

Queues are the pipe queues of ``bench.worker.pipes`` (the backport's own queues
lose their channel on 3.12 and race on 3.13). A module that does not support
subinterpreters (numpy, psutil, uvloop, C extensions without multi-phase init)
fails to import inside one with its own ImportError, which fails the case with
that message. On 3.12.1 a process whose subinterpreter imported hashlib before
the main interpreter did aborts at exit (``double free``: a CPython finalisation
bug, fixed later in 3.12); the worker imports hashlib first, but C extensions
of users' code may do alike, so on 3.12 the executor asks the worker to end
with ``os._exit`` once everything is written and closed (``exit_hard``).
"""

from __future__ import annotations

import os
import pickle
import queue
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from workloads import ProcessSetup

from ..pipes import PipeQueue
from . import ExecutorInfo, register
from ._in_subinterpreter import DENIED, boot, rendezvous, run


def backported(version: tuple[int, int]) -> bool:
    """Whether Python ``version`` has subinterpreters with their own GIL only through the backport."""
    return (3, 12) <= version < (3, 14)


def requirements(version: tuple[int, int]) -> tuple[str, ...]:
    return ("backports.interpreters",) if backported(version) else ()


BACKPORTED = backported((sys.version_info.major, sys.version_info.minor))

INFO = ExecutorInfo(
    name="interpreters",
    style="sync",
    parallel_cpu=True,
    summary="subinterpreters with their own GIL (InterpreterPoolExecutor on 3.14, backports-interpreters on "
    "3.12/3.13); pipe queues",
    unit="interpreter",
    rank=30,
    color="tab:purple",
    whole_interpreters=True,
    requires=requirements((sys.version_info.major, sys.version_info.minor)),  # this Python's (registered: another's)
    distributions={"backports-interpreters": "backports.interpreters"},  # its extra's markers: 3.12 and 3.13 only
    extra="interpreters",
    install_hint="pip install backports-interpreters (or concurrency-bench[interpreters])",
)

START_TIMEOUT_S = 60.0


def unavailable(version: tuple[int, int]) -> str | None:
    """Subinterpreters exist on 3.11 (and the backport imports), but all of them share one GIL there."""
    if version < (3, 12):
        return (
            "subinterpreters with their own GIL need Python 3.12 or later (PEP 684); on "
            f"{version[0]}.{version[1]} they all share one GIL"
        )
    return None


# ---- in the worker's main interpreter -------------------------------------------------------------------------


class UnitError(Exception):
    """A task raised inside a subinterpreter: its message, with the traceback from there."""


def _result(reply: bytes) -> Any:
    answer = pickle.loads(reply)
    if answer[0]:
        return answer[1]
    raise UnitError(f"{answer[1]}\n\nin the subinterpreter:\n{answer[2]}")


class _OwnPool:
    """The pool for 3.12/3.13: one thread of this interpreter per unit, each driving its own subinterpreter."""

    def __init__(self, size: int, boot_args: tuple[Any, ...]) -> None:
        self.size = size
        self._boot_args = boot_args
        self._tasks: queue.SimpleQueue[tuple[Future[bytes], bytes] | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._ready: queue.SimpleQueue[BaseException | None] = queue.SimpleQueue()

    def start(self) -> None:
        for index in range(self.size):
            thread = threading.Thread(target=self._unit, name=f"bench-interpreter-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)
        try:
            failures = [self._ready.get(timeout=START_TIMEOUT_S) for _ in self._threads]
        except queue.Empty:
            raise RuntimeError(f"the subinterpreters were not all set up within {START_TIMEOUT_S:g} s") from None
        failed = next((failure for failure in failures if failure is not None), None)
        if failed is not None:
            raise failed

    def _unit(self) -> None:
        """One unit: create its interpreter, set it up, then run tasks in it until told to stop; close it."""
        from backports import interpreters

        try:
            interp = interpreters.create()
        except BaseException as exc:
            self._ready.put(exc)
            return
        try:
            try:
                interp.call(boot, *self._boot_args)
            except BaseException as exc:  # ExecutionFailed carries the traceback from inside
                self._ready.put(RuntimeError(f"a subinterpreter could not be set up: {exc}"))
                return
            self._ready.put(None)
            while (task := self._tasks.get()) is not None:
                future, payload = task
                if future.set_running_or_notify_cancel():
                    try:
                        future.set_result(interp.call(run, payload))
                    except BaseException as exc:
                        future.set_exception(exc)
        finally:
            interp.close()  # in the thread that drove it

    def submit(self, payload: bytes) -> Future[bytes]:
        future: Future[bytes] = Future()
        self._tasks.put((future, payload))
        return future

    def shutdown(self) -> None:
        for _ in self._threads:
            self._tasks.put(None)
        for thread in self._threads:
            thread.join()
        self._threads = []


class _StdlibPool:
    """The pool for 3.14+: ``concurrent.futures.InterpreterPoolExecutor``, every interpreter made before timing.

    It makes a thread (and its interpreter) per ``submit`` while none is idle, so
    ``start`` submits one task per unit that waits on a pipe until all have
    arrived: each needs a thread of its own.
    """

    def __init__(self, size: int, boot_args: tuple[Any, ...]) -> None:
        from concurrent.futures import InterpreterPoolExecutor  # type: ignore[attr-defined]

        self.size = size
        self._pool = InterpreterPoolExecutor(
            size, thread_name_prefix="bench-interpreter", initializer=boot, initargs=boot_args
        )

    def start(self) -> None:
        arrived, go = os.pipe(), os.pipe()
        try:
            waits = [self._pool.submit(rendezvous, arrived[1], go[0]) for _ in range(self.size)]
            import select

            got = 0
            while got < self.size:
                if not select.select([arrived[0]], [], [], START_TIMEOUT_S)[0]:
                    raise RuntimeError(f"{got} of {self.size} interpreters started within {START_TIMEOUT_S:g} s")
                got += len(os.read(arrived[0], self.size - got))
            os.write(go[1], b"\0" * self.size)
            for wait in waits:
                wait.result(timeout=START_TIMEOUT_S)
        finally:
            for fd in (*arrived, *go):
                os.close(fd)

    def submit(self, payload: bytes) -> Future[bytes]:
        future: Future[bytes] = self._pool.submit(run, payload)
        return future

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class Executor:
    def __init__(self, size: int, queues: int, queue_maxsize: int, setup: ProcessSetup | None = None) -> None:
        reason = unavailable((sys.version_info.major, sys.version_info.minor))
        if reason:
            raise RuntimeError(reason)
        self.workers = size
        # 3.12 can abort in finalisation after subinterpreters ran (see the module's docstring).
        self.exit_hard = sys.version_info[:2] == (3, 12)
        self._queues = [PipeQueue() for _ in range(queues)]
        boot_args = (list(sys.path), DENIED, pickle.dumps(setup))
        self._pool: _OwnPool | _StdlibPool = _OwnPool(size, boot_args) if BACKPORTED else _StdlibPool(size, boot_args)

    def facts(self) -> dict[str, Any]:
        if BACKPORTED:
            from importlib import metadata

            return {"implementation": "backports.interpreters " + metadata.version("backports-interpreters")}
        return {"implementation": "concurrent.futures.InterpreterPoolExecutor"}

    def start(self) -> None:
        self._pool.start()

    def map(self, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
        futures = [self._pool.submit(pickle.dumps((fn, (item,)))) for item in items]
        return [_result(future.result()) for future in futures]

    def submit(self, fn: Callable[..., Any], *args: Any) -> Handle:
        return Handle(self._pool.submit(pickle.dumps((fn, args))))

    def queue(self, index: int = 0) -> PipeQueue:
        return self._queues[index]

    def close(self) -> None:
        self._pool.shutdown()
        for q in self._queues:
            q.close()


class Handle:
    def __init__(self, future: Future[bytes]) -> None:
        self._future = future

    def result(self) -> Any:
        return _result(self._future.result())


register(INFO, Executor, unavailable=unavailable, requirements=requirements)
