"""Users' own functions as workloads: each target is inspected in a worker process, never imported here.

``python -m bench.worker --inspect TARGET [SETUP]`` imports the user's module in
a process of its own (its top-level code may be slow, print, or need gevent's
patching; none of that belongs in the harness) and reports the function's forms,
its file's SHA-256 and the module's version, or one line saying why it cannot be
used. The harness makes the workload class from that report.
"""

from __future__ import annotations

from typing import Any

from workloads.target import EQUAL, Spec, TargetError

from ..errors import UserError
from .child import Child, ChildError, python_argv

INSPECT_TIMEOUT_S = 60.0


def inspect(spec: str, setup: str | None, timeout: float = INSPECT_TIMEOUT_S) -> dict[str, Any]:
    """What a worker process found at ``spec`` (and ``setup``); UserError, in one line, if it is not usable."""
    try:
        Spec.parse(spec)
        if setup:
            Spec.parse(setup)
    except TargetError as exc:
        raise UserError(str(exc)) from None
    child = Child(python_argv("bench.worker", "--inspect", spec, *([setup] if setup else [])), f"inspecting {spec}")
    try:
        message = child.receive(timeout)
    except ChildError as exc:
        raise UserError(f"{spec}: could not be inspected: {exc}") from None
    finally:
        child.stop(polite=None)
    if message.get("event") == "invalid":
        raise UserError(str(message.get("message")))
    if message.get("event") != "target":
        raise UserError(f"{spec}: could not be inspected: {message}")
    report: dict[str, Any] = message["report"]
    return report


def label(report: dict[str, Any], taken: set[str]) -> str:
    """A short name for a target, as cases and tables show it: its function, qualified when taken."""
    names = "+".join(name for name in (report.get("sync"), report.get("async")) if name)
    if names not in taken:
        return names
    where = str(report["where"])
    stem = where.rsplit("/", 1)[-1].removesuffix(".py")
    qualified = f"{stem}.{names}"
    return qualified if qualified not in taken else f"{where}:{names}"


def resolve(specs: list[str], setup: str | None, builtin: set[str], check: str = EQUAL) -> dict[str, dict[str, Any]]:
    """Label -> inspection report for every target, in the order given, with how its results are checked."""
    found: dict[str, dict[str, Any]] = {}
    for spec in specs:
        report = {**inspect(spec, setup), "check": check}
        found[label(report, builtin | set(found))] = report
    return found
