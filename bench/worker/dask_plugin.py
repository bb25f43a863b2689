"""The dask worker plugin that sets up every dask worker process, kept apart so ``executors/dask_.py`` imports no dask.

A dask worker runs tasks only after ``setup``: the workload's per-process set-up
(a user's ``--setup`` and target), and, on the LocalCluster the executor started
itself, a watchdog that ends the process if the bench worker is gone. A plugin
(not ``client.run``) so a dask worker that is restarted is set up again. Its
class must be importable where the dask workers run: on this machine that is
given; on a remote cluster, install concurrency-bench (and the user's code) there.
"""

from __future__ import annotations

from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from workloads import ProcessSetup

from .orphans import exit_with


class Setup(WorkerPlugin):  # type: ignore[misc,unused-ignore]  # Any where distributed is not installed (lint)
    """Calls the workload's set-up in each dask worker (and watches the bench worker on a local cluster)."""

    idempotent = False  # a later case's plugin of the same name replaces this one

    def __init__(self, setup: ProcessSetup | None, watch_pid: int | None) -> None:
        self.process_setup = setup
        self.watch_pid = watch_pid

    def setup(self, worker: Any) -> None:
        if self.watch_pid is not None:
            exit_with(self.watch_pid)
        if self.process_setup is not None:
            fn, args = self.process_setup
            fn(*args)
