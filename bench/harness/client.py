"""The harness's side of the worker protocol: start a case's worker, run one round in it.

Kept apart from the pytest-facing code so calibration and the self-check drive
workers the same way the suite does, without importing pytest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workloads.target import ResultError

from ..worker.protocol import STACKS_SIGNAL
from .child import Child, ChildError, python_argv
from .interpreters import Interpreter
from .matrix import Case

WORKER_START_TIMEOUT_S = 120.0  # includes the workload's own preparation (a target's reference run)


class CaseFailed(Exception):
    def __init__(self, kind: str, message: str, traceback: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.traceback = traceback


def start_worker(
    case: Case,
    context: dict[str, Any],
    timeout: float = WORKER_START_TIMEOUT_S,
    baseline: bool = False,
    target: Mapping[str, Any] | None = None,
    *,
    python: Interpreter | None = None,
) -> tuple[Child, dict[str, Any]]:
    """A ready worker for ``case`` (under ``python``, else the harness's interpreter) and its ``ready`` message."""
    config = case.worker_config(context, baseline, target)
    argv = python_argv("bench.worker", config, python=python.command if python else None)
    child = Child(argv, f"the worker of {case.id}", python.env if python else None, stacks_signal=STACKS_SIGNAL)
    try:
        ready = child.receive(timeout)
    except ChildError as exc:
        child.stop(polite=None)
        raise CaseFailed(exc.kind, f"worker did not start: {exc}", exc.traceback) from None
    except BaseException:  # Ctrl-C while it starts: it is in its own session, so stop it here
        child.stop(polite=None)
        raise
    if ready.get("event") != "ready":
        child.stop(polite=None)
        kind, message = ready.get("type", "StartError"), ready.get("message")
        # A user's results that cannot be checked are the cause itself, said in full (workloads.target).
        said = message if kind == ResultError.__name__ else f"worker did not start: {message}"
        raise CaseFailed(kind, str(said), ready.get("traceback", ""))
    return child, ready


def run_round(child: Child, timeout: float, command: str = "run") -> dict[str, Any]:
    """One round in ``child`` (``run``, or ``baseline``): its ``done`` message, or CaseFailed."""
    child.send(command)
    try:
        message = child.receive(timeout)
    except ChildError as exc:
        raise CaseFailed(exc.kind, str(exc), exc.traceback) from None
    if message.get("event") == "error":
        raise CaseFailed(message.get("type", "Error"), message.get("message", ""), message.get("traceback", ""))
    if message.get("event") != "done":
        raise CaseFailed("ProtocolError", f"unexpected message {message!r}")
    if not message.get("verified"):
        detail = message.get("detail") or f"got {message.get('value')!r}, expected {message.get('expected')!r}"
        raise CaseFailed("NotVerified", f"result check failed: {detail}")
    return message
