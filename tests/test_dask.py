"""The dask executor on real LocalClusters (and a scheduler started apart): right results, loopback only, no orphans.

Marked ``distributed``: ``nox -s tests-distributed`` runs them (``nox -s tests`` run whole notifies it), in an
environment with the distributed extra. A LocalCluster takes seconds to start, so one cluster serves the
in-process tests of this module, and only three worker processes are started through the real protocol.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from conftest import PROCESS_TAG, assert_none_left, tagged_processes

import workloads
from bench.harness.client import run_round, start_worker
from bench.harness.matrix import Case
from bench.worker import executors
from workloads.http import Http
from workloads.pipeline import Pipeline, produce

pytest.importorskip("distributed")
pytestmark = pytest.mark.distributed

UNITS = 5  # the largest pipeline shape below: 3 producers and 2 consumers
STARTED_WITHIN_S = 120.0


@pytest.fixture(scope="module")
def cluster_tag() -> Iterator[str]:
    """Tag every process this module starts; none may be alive once it is done.

    The LocalCluster below starts its workers from this process, which starts multiprocessing's resource
    tracker: it serves this process until it exits, so it is started first, untagged.
    """
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    tag = f"dask-{os.getpid()}-{time.monotonic_ns()}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(PROCESS_TAG, tag)
        yield tag
    assert_none_left(tag)


@pytest.fixture(scope="module")
def dask_executor(cluster_tag: str) -> Iterator[Any]:
    """One started dask executor (a LocalCluster of UNITS one-thread workers) in this process."""
    executor = executors.create("dask", UNITS, 1, 0)
    executor.start()
    try:
        yield executor
    finally:
        executor.close()


def test_map_keeps_order_and_submit_and_queue_work(dask_executor: Any) -> None:
    assert dask_executor.map(workloads.spin, [3, 1, 2, 0]) == [3, 1, 2, 0]
    assert dask_executor.submit(workloads.spin, 5).result() == 5
    queue = dask_executor.queue(0)
    assert dask_executor.submit(produce, queue, 10, 4, 0).result() == 10 + 11 + 12 + 13
    assert sorted(queue.get() for _ in range(4)) == [10, 11, 12, 13]


@pytest.mark.parametrize(("producers", "consumers", "maxsize"), [(1, 1, 0), (2, 2, 4), (1, 3, 4), (3, 1, 4), (3, 2, 0)])
def test_pipeline_shapes_agree_through_the_scheduler_queue(
    dask_executor: Any, producers: int, consumers: int, maxsize: int
) -> None:
    """Producers and consumers pinned to their own dask workers, items through distributed.Queue: checksums agree."""
    values = {param.name: param.quick for param in Pipeline.params}
    values.update(items=61, producers=producers, consumers=consumers, produce_cost=10, consume_cost=10)
    outcome = Pipeline(2, values, {}).run_sync(dask_executor)
    assert outcome.verified, outcome


def test_http_requests_are_answered_from_dask_workers(dask_executor: Any) -> None:
    """The http workload's requests, one dask task each, against the local server: every answer right."""
    from bench.harness.server_handle import ServerHandle

    server = ServerHandle()
    try:
        values = {"requests": 10, "latency": 0.002}
        outcome = Http(2, values, {"url": server.url}).run_sync(dask_executor)
        assert outcome.verified and outcome.amount == 10
        assert server.stats()["requests"] == 10
    finally:
        server.stop()


def test_every_listening_socket_is_on_loopback(dask_executor: Any) -> None:
    """Scheduler, nannies, workers and the scheduler's HTTP server: 127.0.0.1 only, and not dask's fixed 8787."""
    me = psutil.Process()
    listening = [
        conn.laddr
        for proc in [me, *me.children(recursive=True)]
        for conn in proc.net_connections(kind="inet")
        if conn.status == psutil.CONN_LISTEN
    ]
    assert len(listening) >= 1 + UNITS  # at least the scheduler and one port per dask worker
    assert {address.ip for address in listening} == {"127.0.0.1"}
    assert 8787 not in {address.port for address in listening}


def test_it_records_a_local_cluster(dask_executor: Any) -> None:
    facts = executors.runtime_facts(dask_executor)
    assert facts["cluster"] == "LocalCluster on 127.0.0.1" and facts["distributed"]


def test_setup_runs_in_every_dask_worker_and_a_case_runs_verified(tmp_path: Path, cluster_tag: str) -> None:
    """Through the worker protocol: a user's setup ran in the bench worker and in each of the 2 dask workers."""
    from workloads.target import inspect_target

    work = tmp_path / "work.py"
    log = tmp_path / "setup.log"
    work.write_text(
        "import os\n_ready = []\n"
        f"def setup():\n    _ready.append(1)\n    open({str(log)!r}, 'a').write(f'{{os.getpid()}}\\n')\n"
        "def square(i):\n    assert _ready, 'setup did not run here'\n    return i * i\n"
    )
    report = inspect_target(f"{work}:square", f"{work}:setup")
    child, ready = start_worker(Case("square", "dask", 2, (("tasks", 6),)), {}, STARTED_WITHIN_S, target=report)
    try:
        for _ in range(2):
            done = run_round(child, 60)
            assert done["verified"] and done["value"] == 6
    finally:
        child.stop()
    assert ready["executor"]["cluster"] == "LocalCluster on 127.0.0.1"
    # dask's own imports in the measured process (its scheduler and client live there), recorded with the case
    assert set(ready["watched_modules"]) <= {"numpy", "psutil"}
    pids = log.read_text().split()
    assert len(pids) == len(set(pids)) == 3


def test_a_killed_worker_leaves_no_dask_process(cluster_tag: str) -> None:
    """SIGKILL to the bench worker alone, while its dask workers are busy: they go too."""
    case = Case("cpu", "dask", 2, (("n", 400_000_000), ("tasks", 0)))
    child, _ = start_worker(case, {}, STARTED_WITHIN_S)
    try:
        workers = [proc for proc in child.tree() if proc.pid != child.pid]
        assert len(workers) >= 2
        child.send("run")
        time.sleep(1.0)  # the round is running in the dask workers now
        os.kill(child.pid, signal.SIGKILL)
        _, alive = psutil.wait_procs(workers, timeout=10)
        assert not alive, [" ".join(proc.cmdline()) for proc in alive]
    finally:
        child.stop()


def test_an_external_scheduler_is_used_without_a_code_change(tmp_path: Path, cluster_tag: str) -> None:
    """DASK_SCHEDULER_ADDRESS (dask's own configuration) points the executor at a cluster it did not start."""
    scheduler_file = tmp_path / "scheduler.json"
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    started = [
        subprocess.Popen(
            [*dask, "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(scheduler_file)],
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        import json

        address = json.loads(scheduler_file.read_text())["address"]
        for _ in range(2):
            started.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "distributed.cli.dask_worker",
                        address,
                        "--nthreads",
                        "1",
                        "--no-dashboard",
                        "--host",
                        "127.0.0.1",
                    ],
                    stderr=subprocess.DEVNULL,
                )
            )
        os.environ["DASK_SCHEDULER_ADDRESS"] = address
        try:
            case = Case("cpu", "dask", 2, (("n", 20_000), ("tasks", 0)))
            child, ready = start_worker(case, {}, STARTED_WITHIN_S)
            try:
                assert run_round(child, 60)["verified"]
            finally:
                child.stop()
        finally:
            del os.environ["DASK_SCHEDULER_ADDRESS"]
        assert ready["executor"]["cluster"] == f"external scheduler at {address}"
        assert all(proc.poll() is None for proc in started), "the case must leave a cluster it did not start running"
    finally:
        for proc in started:
            proc.terminate()
        for proc in started:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    assert not [proc for proc in tagged_processes(cluster_tag) if proc.pid in {p.pid for p in started}]
