"""The worker: one per case, in its own process, running rounds when the harness says so.

Protocol (one JSON object per line): the harness starts
``python -m bench.worker CONFIG_JSON``; the worker builds the executor and the
workload, then writes ``{"event": "ready"}``; each ``run`` line on stdin gets one
``{"event": "done"}`` (or ``{"event": "error"}``) back; ``baseline`` does the same
for a sequential round of the workload (when the config asks for one); ``quit``
or end of input ends it. Messages go to a private copy of the original stdout, and stdout itself
is pointed at stderr, so nothing a workload prints can corrupt the protocol.
"""

from __future__ import annotations

import json
import sys

if __name__ == "__main__" and json.loads(sys.argv[1])["executor"] == "gevent":
    # First thing, before threading, socket or queue are imported anywhere.
    from gevent import monkey

    monkey.patch_all()

import asyncio
import os
import time
import traceback
from pathlib import Path
from typing import IO, Any

import workloads
from bench.executors import EXECUTORS, create

OPEN_FILES_SPARE = 256  # beyond one per unit: pipes, the pool's own, imports


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


def memory_now() -> dict[str, int]:
    """This process's unique (USS) and proportional (PSS) memory, read before the executor exists."""
    uss = pss = 0
    try:
        with Path("/proc/self/smaps_rollup").open() as rollup:
            for line in rollup:
                if line.startswith("Private_"):
                    uss += int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {"base_uss_bytes": uss, "base_pss_bytes": pss}


def raise_open_files_limit(needed: int) -> None:
    """Lift the soft open-files limit towards ``needed`` (one socket per concurrent request)."""
    try:
        import resource
    except ImportError:  # not on Windows
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            raise OSError(
                f"{needed} open files are needed but the hard limit is {hard} (ulimit -Hn): "
                "raise it, or lower the concurrency"
            )
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


class Case:
    """The executor and workload of this worker, and how to run one round of them."""

    def __init__(self, config: dict[str, Any]) -> None:
        workload_cls = workloads.get(config["workload"])
        self.workload = workload_cls(config["workers"], config["params"], config.get("context", {}))
        raise_open_files_limit(self.workload.units() + OPEN_FILES_SPARE)
        self.style = EXECUTORS[config["executor"]].style
        self.executor = create(
            config["executor"], self.workload.units(), workload_cls.queues, self.workload.queue_maxsize()
        )
        self.loop = asyncio.new_event_loop() if self.style == "async" else None
        # The paired sequential baseline runs here, in the case's own process: processes differ in
        # speed by their memory layout (pyperf's reason for many workers), so a baseline in another
        # process would carry that process's luck into every ratio.
        self.baseline: tuple[workloads.Workload, Any] | None = None
        if config.get("baseline"):
            self.baseline = (
                workload_cls(1, config["params"], config.get("context", {})),
                create("sequential", 1, workload_cls.queues, 0),
            )

    def start(self) -> None:
        self.executor.start()
        if self.loop is not None:
            self.loop.run_until_complete(self.workload.prepare_async(self.executor))
        else:
            self.workload.prepare_sync(self.executor)

    def run_round(self) -> workloads.Outcome:
        if self.loop is not None:
            return self.loop.run_until_complete(self.workload.run_async(self.executor))
        return self.workload.run_sync(self.executor)

    def run_baseline(self) -> workloads.Outcome:
        """One round of the same workload, sequentially, in this process."""
        if self.baseline is None:
            raise RuntimeError("this worker was started without a baseline")
        workload, executor = self.baseline
        return workload.run_sync(executor)

    def close(self) -> None:
        if self.loop is not None:
            self.loop.run_until_complete(self.workload.close_async())
            self.loop.close()
        self.executor.close()


def serve(case: Case, commands: IO[str], channel: IO[str]) -> None:
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
                "amount": outcome.amount,
                "extra": outcome.extra,
            },
        )


def main() -> int:
    config = json.loads(sys.argv[1])
    channel = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    case = None
    base_memory = memory_now()
    try:
        started = time.perf_counter()
        case = Case(config)
        case.start()
        startup_s = time.perf_counter() - started
    except Exception as exc:
        send(channel, error_message(exc))
        if case is not None:
            case.close()
        return 1
    send(channel, {"event": "ready", "pid": os.getpid(), "startup_s": startup_s, **base_memory})
    try:
        serve(case, sys.stdin, channel)
    finally:
        case.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
