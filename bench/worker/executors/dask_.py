"""dask.distributed: tasks scheduled over dask worker processes, one thread each (an optional extra).

Where users go when one machine is not enough; on one machine it shows what
dask's scheduling costs against a Pool on the same work. By default ``start``
builds a LocalCluster of ``workers`` dask worker processes (spawned, one thread
each) with its scheduler inside the bench worker, everything bound to 127.0.0.1
(the scheduler's HTTP server on a random port, not dask's fixed 8787: runs side
by side must not collide). Where dask's own configuration names a scheduler
(``DASK_SCHEDULER_ADDRESS=tcp://host:8786`` in the environment, or
``scheduler-address`` in a dask config file), it connects there instead and uses
``workers`` of that cluster's dask workers: the same harness, a real cluster, no
code change. Every dask worker that runs units is set up first by a worker plugin
(``bench.worker.dask_plugin``); functions travel by reference, so their modules
must be importable on the dask workers.

``map`` lets the scheduler place the tasks (that is what is measured); each
``submit`` is pinned to the next dask worker in turn, because a submitted unit
may block on a queue for as long as the round lasts (a pipeline's consumer) and
must not sit in front of another on the same one-thread worker. Queues are
``distributed.Queue``: every ``put`` and ``get`` goes through the scheduler (it
is the queue dask offers; items are pickled, as dask's queue takes msgpack only).

Start-up is 6-7 s for 2 dask workers here (each imports distributed), so dask is
not in the default matrix: ``--executors dask``, after
``pip install concurrency-bench[distributed]``.
"""

from __future__ import annotations

import logging
import os
import pickle
import uuid
from collections.abc import Callable
from typing import Any

from workloads import ProcessSetup

from . import ExecutorInfo, register

INFO = ExecutorInfo(
    name="dask",
    style="sync",
    parallel_cpu=True,
    summary="dask.distributed tasks on a LocalCluster of one-thread worker processes (or DASK_SCHEDULER_ADDRESS); "
    "distributed.Queue",
    unit="process",
    rank=60,
    color="tab:cyan",
    default=False,
    whole_interpreters=True,
    requires=("distributed",),
    distributions={"distributed": "distributed"},
    extra="distributed",
    extra_everywhere=False,  # large, and seconds to start: its own nox sessions (bench-distributed, tests-distributed)
    records=("dask",),
)

HOST = "127.0.0.1"
START_TIMEOUT_S = 90.0  # a LocalCluster of a few workers takes 6-7 s here; a loaded machine, more
PLUGIN = "concurrency-bench-setup"


def scheduler_address() -> str | None:
    """The scheduler dask's configuration names (DASK_SCHEDULER_ADDRESS, a config file), or None."""
    import dask

    address = dask.config.get("scheduler-address", None)
    return str(address) if address else None


class QueueRef:
    """``distributed.Queue`` with pickled items: usable in the bench worker and in every task."""

    def __init__(self, queue: Any) -> None:
        self.queue = queue

    def put(self, item: Any) -> None:
        self.queue.put(pickle.dumps(item))

    def get(self) -> Any:
        return pickle.loads(self.queue.get())


class Handle:
    def __init__(self, future: Any) -> None:
        self._future = future

    def result(self) -> Any:
        return self._future.result()


class Executor:
    def __init__(self, size: int, queues: int, queue_maxsize: int, setup: ProcessSetup | None = None) -> None:
        self.workers = size
        self._queue_count = queues
        self._queue_maxsize = queue_maxsize
        self._setup = setup
        self._cluster: Any = None
        self._client: Any = None
        self._targets: list[str] = []  # the dask workers this case uses
        self._next = 0
        self._queues: list[QueueRef] = []
        self._address = scheduler_address()

    def facts(self) -> dict[str, Any]:
        from importlib import metadata

        return {
            "cluster": f"external scheduler at {self._address}" if self._address else "LocalCluster on 127.0.0.1",
            "threads_per_worker": 1 if not self._address else None,
            "distributed": metadata.version("distributed"),
        }

    def start(self) -> None:
        from distributed import Client, LocalCluster, Queue

        from ..dask_plugin import Setup

        if self._address:
            self._client = Client(self._address, timeout=START_TIMEOUT_S)
            self._client.wait_for_workers(self.workers, timeout=START_TIMEOUT_S)
            watch = None
        else:
            self._cluster = LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                host=HOST,
                dashboard_address=f"{HOST}:0",  # the scheduler's HTTP server: loopback, any free port
                scheduler_kwargs={"dashboard": False},
                worker_dashboard_address=None,
                silence_logs=logging.ERROR,
                timeout=START_TIMEOUT_S,
            )
            self._client = Client(self._cluster, timeout=START_TIMEOUT_S)
            watch = os.getpid()
        self._client.register_plugin(Setup(self._setup, watch), name=PLUGIN)
        self._targets = sorted(self._client.scheduler_info(n_workers=-1)["workers"])[: self.workers]
        prefix = f"concurrency-bench-{uuid.uuid4().hex}"
        self._queues = [
            QueueRef(Queue(f"{prefix}-{i}", client=self._client, maxsize=self._queue_maxsize))
            for i in range(self._queue_count)
        ]

    def map(self, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
        futures = self._client.map(fn, items, pure=False, workers=self._targets, allow_other_workers=False)
        return list(self._client.gather(futures))

    def submit(self, fn: Callable[..., Any], *args: Any) -> Handle:
        target = self._targets[self._next % len(self._targets)]
        self._next += 1
        return Handle(self._client.submit(fn, *args, pure=False, workers=[target], allow_other_workers=False))

    def queue(self, index: int = 0) -> QueueRef:
        return self._queues[index]

    def close(self) -> None:
        if self._client is not None:
            if self._address:  # a shared cluster: leave it as it was found
                self._client.unregister_worker_plugin(PLUGIN)
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()


register(INFO, Executor)
