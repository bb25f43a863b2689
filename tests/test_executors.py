"""bench.executors: every executor runs every workload right, through the real worker protocol, at tiny sizes.

Each case runs in its own worker process (``bench.runner.start_worker``), as in a real run, and every
round's ``done`` must be verified with the right amount. A few cheap in-process unit tests follow.
"""

from __future__ import annotations

import asyncio
import importlib.util
import math
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import PROCESS_TAG, assert_none_left, executor_params

import workloads
from bench.harness.client import run_round, start_worker
from bench.harness.matrix import Case
from bench.harness.server_handle import ServerHandle
from bench.worker import executors
from workloads.pipeline import consume, produce

ROUND_TIMEOUT_S = 60.0

#: Tiny sizes; parameters not named here keep their --quick defaults.
TINY: dict[str, dict[str, Any]] = {
    "cpu": {"n": 20_000},
    "http": {"requests": 8, "latency": 0.002},
    "pipeline": {"items": 200, "produce_cost": 10, "consume_cost": 10},
    "noop": {},
}


def values(workload: str, **changes: Any) -> tuple[tuple[str, Any], ...]:
    """The workload's --quick values with TINY sizes and ``changes``, as a Case holds them."""
    params = {param.name: param.quick for param in workloads.get(workload).params}
    params.update(TINY[workload], **changes)
    return tuple(sorted(params.items()))


def expected_amount(workload: str, params: dict[str, Any]) -> float:
    return {"cpu": params.get("n"), "http": params.get("requests"), "pipeline": params.get("items"), "noop": 1}[
        workload
    ]


@pytest.fixture(scope="module", autouse=True)
def no_leftovers() -> Iterator[None]:
    """Tag every process this module starts; none may be alive once the module is done."""
    tag = uuid.uuid4().hex
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(PROCESS_TAG, tag)
        yield
    assert_none_left(tag)


@pytest.fixture(scope="module")
def server(no_leftovers: None) -> Iterator[ServerHandle]:
    handle = ServerHandle()
    yield handle  # pytest comes back here however the tests ended
    handle.stop()


def rounds_of(case: Case, context: dict[str, Any], rounds: int = 2) -> list[dict[str, Any]]:
    """Start the case's worker, run ``rounds`` rounds, stop it; the done messages."""
    child, _ = start_worker(case, context)
    try:
        return [run_round(child, ROUND_TIMEOUT_S) for _ in range(rounds)]
    finally:
        child.stop()


def check_done(done: dict[str, Any], case: Case) -> None:
    params = dict(case.values)
    assert done["event"] == "done"
    assert done["verified"] is True, done
    assert done["value"] == done["expected"]
    assert done["amount"] == expected_amount(case.workload, params)
    assert done["worker_s"] >= 0


#: dask is tested in tests/test_dask.py, on one shared LocalCluster: each start of one takes seconds.
EXECUTORS = executor_params(leave_out=("dask",))


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("workload", ["cpu", "pipeline", "noop"])
@pytest.mark.parametrize("executor", EXECUTORS)
def test_executor_runs_workload_verified(executor: str, workload: str, workers: int) -> None:
    """Two rounds in one worker, both verified, with the workload's amount of work."""
    case = Case(workload, executor, workers, values(workload))
    for done in rounds_of(case, {}):
        check_done(done, case)


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("executor", EXECUTORS)
def test_executor_runs_http_verified_with_latencies(executor: str, workers: int, server: ServerHandle) -> None:
    """Every request answered right, client latency percentiles reported, the ideal time as ceil(R/C) x L."""
    case = Case("http", executor, workers, values("http"))
    server.stats(reset=True)
    messages = rounds_of(case, {"url": server.url})
    for done in messages:
        check_done(done, case)
        latency = done["extra"]["latency_ms"]
        assert set(latency) == {"p50", "p90", "p99"}
        assert 0 < latency["p50"] <= latency["p90"] <= latency["p99"]
        assert latency["p50"] >= 2.0 * 0.9  # the server's delay, 2 ms (timer slack aside)
        assert done["extra"]["ideal_s"] == pytest.approx(math.ceil(8 / workers) * 0.002)
    assert server.stats()["requests"] == 2 * 8


@pytest.mark.parametrize(
    ("workers", "producers", "consumers", "maxsize"),
    [(1, 0, 0, 0), (2, 0, 0, 4), (2, 1, 3, 4), (1, 3, 1, 4), (2, 3, 2, 0)],
    ids=["w1-unbounded", "w2-bound4", "1p3c-bound4", "3p1c-bound4", "3p2c-unbounded"],
)
# The start-method variants share processes' queue and pool code: their pipelines run in the test above.
@pytest.mark.parametrize(
    "executor", executor_params(leave_out=("dask", "processes-fork", "processes-forkserver", "processes-spawn"))
)
def test_pipeline_shapes(executor: str, workers: int, producers: int, consumers: int, maxsize: int) -> None:
    """Producers and consumers other than workers, unbounded and tightly bounded queues: checksums still agree."""
    case = Case(
        "pipeline",
        executor,
        workers,
        values("pipeline", producers=producers, consumers=consumers, maxsize=maxsize, items=101),
    )
    for done in rounds_of(case, {}):
        check_done(done, case)


def test_cpu_split_over_more_tasks_than_workers() -> None:
    """--cpu-tasks above the worker count still adds up to n."""
    case = Case("cpu", "threads", 2, values("cpu", tasks=7, n=10_001))
    for done in rounds_of(case, {}, rounds=1):
        check_done(done, case)


# --- the executors themselves, in this process (cheap ones only) ---


@pytest.mark.parametrize("name", ["sequential", "threads", "processes"])
def test_sync_executor_map_submit_and_queue(name: str) -> None:
    """map keeps order, submit hands back a result, and a queue carries items from a unit to this process."""
    executor = executors.create(name, 2, 1, 0)
    executor.start()
    try:
        assert executor.workers == 2
        assert executor.map(workloads.spin, [3, 1, 2, 0]) == [3, 1, 2, 0]
        assert executor.submit(workloads.spin, 5).result() == 5
        queue = executor.queue(0)
        assert executor.submit(produce, queue, 10, 4, 0).result() == 10 + 11 + 12 + 13
        assert sorted(queue.get() for _ in range(4)) == [10, 11, 12, 13]
    finally:
        executor.close()


def test_sequential_submit_runs_when_the_result_is_asked_for_once() -> None:
    """A sequential unit runs lazily (so producers go before consumers) and only once."""
    calls: list[int] = []
    executor = executors.create("sequential", 1, 1, 4)
    handle = executor.submit(lambda x: calls.append(x) or x, 9)
    assert calls == []
    assert handle.result() == 9
    assert handle.result() == 9
    assert calls == [9]


def test_sequential_queue_is_unbounded_whatever_the_maxsize() -> None:
    """One thread with a bounded queue would block its only producer: sequential ignores the bound."""
    executor = executors.create("sequential", 1, 1, 2)
    queue = executor.queue(0)
    produced = executor.submit(produce, queue, 0, 10, 0)
    assert produced.result() == sum(range(10))
    queue.put(None)
    assert consume(queue, 0) == sum(range(10))


def test_threads_start_makes_every_thread_and_queue_has_the_bound() -> None:
    """start() starts all pool threads before timing; the queue carries the workload's bound."""
    executor = executors.create("threads", 3, 1, 4)
    executor.start()
    try:
        names = [t.name for t in threading.enumerate() if t.name.startswith("bench_")]
        assert len(names) == 3
        assert executor.queue(0).maxsize == 4
    finally:
        executor.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("bench_")]


def test_asyncio_map_runs_exactly_workers_at_once() -> None:
    """The asyncio executor's map keeps order and never has more than ``workers`` items in flight."""
    executor = executors.create("asyncio", 3, 1, 5)
    running = peak = 0

    async def unit(item: int) -> int:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.001)
        running -= 1
        return item * 2

    async def main() -> list[int]:
        executor.start()
        got: list[int] = await executor.map(unit, list(range(10)))
        assert await executor.submit(asyncio.sleep(0, result="x")) == "x"
        assert executor.queue(0).maxsize == 5
        executor.close()
        return got

    assert asyncio.run(main()) == [i * 2 for i in range(10)]
    assert peak == 3


def test_every_executor_is_described_and_a_missing_module_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry names a module, a style and a summary for each; a module that cannot be found is reported."""
    for name, info in executors.registry().items():
        assert info.name == name
        assert info.style in ("sync", "async")
        assert info.summary
    assert executors.registry()["sequential"].requires == ()
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda mod: None if mod == "gevent" else real_find_spec(mod))
    assert executors.missing_requirements("gevent") == ["gevent"]
    assert executors.missing_requirements("threads") == []
