"""The executor and workload of one worker, built from the harness's config, and how to run a round of them."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import workloads
from workloads.target import SERVER_ENV
from workloads.target import make as make_target

from .. import ASYNC_BASELINE, BASELINE
from .executors import create, info

OPEN_FILES_SPARE = 256  # beyond one per unit: pipes, the pool's own, imports


def memory_now() -> dict[str, int]:
    """This process's unique (USS) and proportional (PSS) memory, read before the executor exists.

    Read from /proc rather than through psutil: the worker imports nothing it does not need,
    since every import is part of the process being measured.
    """
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


def workload_class(config: dict[str, Any]) -> type[workloads.Workload]:
    """The built-in workload the config names, or the class of its user target."""
    target = config.get("target")
    return make_target(config["workload"], target) if target else workloads.get(config["workload"])


class Case:
    """The executor and workload of this worker, and how to run one round of them."""

    def __init__(self, config: dict[str, Any]) -> None:
        workload_cls = workload_class(config)
        context = config.get("context", {})
        if context.get("url"):  # a user's function finds the local server here (pool processes inherit it)
            os.environ[SERVER_ENV] = context["url"]
        executor_info = info(config["executor"])
        # What the workload may ask of its executor, and whether its units' results come back pickled (a user's
        # function whose results cannot be is told so before any round: workloads.target).
        own = {"offers": executor_info.offers, "crosses_processes": executor_info.whole_interpreters}
        self.workload = workload_cls(config["workers"], config["params"], {**context, **own})
        raise_open_files_limit(self.workload.units() + OPEN_FILES_SPARE)
        self.style = executor_info.style
        self.executor = create(
            config["executor"],
            self.workload.units(),
            workload_cls.queues,
            self.workload.queue_maxsize(),
            self.workload.process_setup(),
        )
        uses = self.workload.uses(executor_info.offers)
        if uses:  # the tutorial's primitives, made before start: a process pool inherits them when it forks
            self.executor.provide(uses)
        # An executor may bring its own event loop (uvloop); the others get asyncio's default one.
        new_loop = getattr(self.executor, "new_event_loop", asyncio.new_event_loop)
        self.loop: asyncio.AbstractEventLoop | None = new_loop() if self.style == "async" else None
        # The paired sequential baseline runs here, in the case's own process: processes differ in
        # speed by their memory layout (pyperf's reason for many workers), so a baseline in another
        # process would carry that process's luck into every ratio. A workload with no plain form
        # (an async-only target) is paired against its tasks awaited one at a time.
        self.baseline: tuple[workloads.Workload, Any, str] | None = None
        if config.get("baseline"):
            style = "sync" if "sync" in workload_cls.styles else "async"
            self.baseline = (
                workload_cls(1, config["params"], context),
                create(BASELINE if style == "sync" else ASYNC_BASELINE, 1, workload_cls.queues, 0),
                style,
            )

    def start(self) -> None:
        """Start the executor (its pool, its threads): what ``startup_s`` measures."""
        self.executor.start()

    def prepare(self) -> None:
        """The workload's own untimed set-up (connections, a target's reference values)."""
        if self.loop is not None:
            self.loop.run_until_complete(self.workload.prepare_async(self.executor))
        else:
            self.workload.prepare_sync(self.executor)

    def run_round(self) -> workloads.Outcome:
        if self.loop is not None:
            return self.loop.run_until_complete(self.workload.run_async(self.executor))
        return self.workload.run_sync(self.executor)

    def run_baseline(self) -> workloads.Outcome:
        """One round of the same workload, one unit at a time, in this process."""
        if self.baseline is None:
            raise RuntimeError("this worker was started without a baseline")
        workload, executor, style = self.baseline
        if style == "async":
            assert self.loop is not None, "an async-only workload runs under an async executor only"
            return self.loop.run_until_complete(workload.run_async(executor))
        return workload.run_sync(executor)

    def close(self) -> None:
        if self.loop is not None:
            self.loop.run_until_complete(self.workload.close_async())
            self.loop.close()
        self.executor.close()
