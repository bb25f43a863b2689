"""The worker: one per case, in its own process, running rounds when the harness says so.

Protocol (one JSON object per line): the harness starts
``python -m bench.worker CONFIG_JSON``; the worker builds the executor and the
workload, then writes ``{"event": "ready"}``; each ``run`` line on stdin gets one
``{"event": "done"}`` (or ``{"event": "error"}``) back; ``baseline`` does the same
for a sequential round of the workload (when the config asks for one); ``quit``
or end of input ends it. Messages go to a private copy of the original stdout, and stdout itself
is pointed at stderr, so nothing a workload prints can corrupt the protocol. ``ready`` and
``done`` say whether the GIL is on, and, where an import turned it back on (a free-threaded
build), which module did (``gil_enabled_by``, from ``gil_watch``).

``python -m bench.worker --inspect TARGET [SETUP]`` imports a user's
target here, never in the harness, and writes one line: what it found, or why
it cannot be used.
"""

from __future__ import annotations

import faulthandler
import json
import os
import signal
import sys
import time
import traceback
from typing import IO, Any

from . import gil_watch
from .case import Case, memory_now
from .executors import runtime_facts
from .interpreter import gil_enabled

#: Modules a worker must not load for a built-in workload: their import would be measured.
WATCHED_MODULES = ("pandas", "matplotlib", "numpy", "pytest", "pytest_benchmark", "psutil")


def send(channel: IO[str], message: dict[str, Any]) -> None:
    channel.write(json.dumps(message, default=repr) + "\n")
    channel.flush()


def error_message(exc: BaseException) -> dict[str, Any]:
    return {
        "event": "error",
        "type": type(exc).__name__,
        "message": str(exc),
        "traceback": "".join(traceback.format_exception(exc)),
    }


def serve(case: Case, commands: IO[str], channel: IO[str], gil_enabled_by: list[str] | None = None) -> None:
    """Run what the harness asks for, one round a line, until ``quit``; ``gil_enabled_by``: the watch's list."""
    for line in commands:
        command = line.strip()
        if command == "quit":
            return
        if command not in ("run", "baseline"):
            send(channel, {"event": "error", "type": "ProtocolError", "message": f"unknown command {command!r}"})
            continue
        started = time.perf_counter()
        try:
            outcome = case.run_round() if command == "run" else case.run_baseline()
        except Exception as exc:  # reported as the case's failure, with the worker's traceback
            send(channel, error_message(exc))
            continue
        send(
            channel,
            {
                "event": "done",
                "worker_s": time.perf_counter() - started,
                "verified": outcome.verified,
                "value": outcome.value,
                "expected": outcome.expected,
                "detail": outcome.detail,
                "amount": outcome.amount,
                "extra": outcome.extra,
                "gil_enabled": gil_enabled(),  # read after the round: an extension may have turned it on
                **gil_watch.report(gil_enabled_by or []),  # ... and which one
            },
        )


def private_channel() -> IO[str]:
    """A private copy of stdout for the protocol; stdout itself then goes to stderr."""
    channel = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    return channel


def inspect(argv: list[str], channel: IO[str]) -> int:
    from workloads.target import TargetError, inspect_target

    target, setup = argv[0], (argv[1] if len(argv) > 1 else None)
    try:
        report = inspect_target(target, setup)
    except TargetError as exc:
        send(channel, {"event": "invalid", "message": str(exc)})
        return 1
    send(channel, {"event": "target", "report": report})
    return 0


def finish(case: Case | None, code: int) -> int:
    """The worker's exit code; where its executor cannot survive the interpreter's finalisation, the end.

    An executor sets ``exit_hard`` when the process would crash while shutting down (subinterpreters on
    3.12): everything has been sent and closed by now, so the process ends here with ``os._exit``.
    """
    if case is not None and getattr(case.executor, "exit_hard", False):
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        os._exit(code)
    return code


#: The signal on which a worker writes every thread's stack to stderr (the harness sends it to a hung worker).
STACKS_SIGNAL = getattr(signal, "SIGUSR1", None)


def main(argv: list[str]) -> int:
    channel = private_channel()
    if STACKS_SIGNAL is not None:  # a hung round shows where it hangs: both sides of a deadlock, say
        faulthandler.register(STACKS_SIGNAL, all_threads=True)
    if argv and argv[0] == "--inspect":
        return inspect(argv[1:], channel)
    config = json.loads(argv[0])
    with gil_watch.watching() as gil_enabled_by:  # the case's imports, its set-up and its rounds
        return run_case(config, channel, gil_enabled_by)


def run_case(config: dict[str, Any], channel: IO[str], gil_enabled_by: list[str]) -> int:
    """Build the case, say it is ready (or why not), then serve its rounds."""
    case = None
    base_memory = memory_now()
    try:
        started = time.perf_counter()
        case = Case(config)
        case.start()
        startup_s = time.perf_counter() - started
        started = time.perf_counter()
        case.prepare()
        prepare_s = time.perf_counter() - started
    except Exception as exc:
        send(channel, error_message(exc))
        if case is not None:
            case.close()
        return finish(case, 1)
    watched = [name for name in WATCHED_MODULES if name in sys.modules]
    send(
        channel,
        {
            "event": "ready",
            "pid": os.getpid(),
            "startup_s": startup_s,
            "prepare_s": prepare_s,
            "watched_modules": watched,
            "gil_enabled": gil_enabled(),  # after the case's imports and set-up
            **gil_watch.report(gil_enabled_by),
            "executor": runtime_facts(case.executor),
            **base_memory,
        },
    )
    try:
        serve(case, sys.stdin, channel, gil_enabled_by)
    finally:
        case.close()
    return finish(case, 0)
