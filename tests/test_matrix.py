"""bench.harness.matrix: which cases a run holds, each with its values, pairing, and skip reason."""

from __future__ import annotations

import json
import sys
from typing import Any

from conftest import unrunnable_reason

from bench.harness import config, matrix
from bench.harness.config import RunConfig
from bench.harness.interpreters import Interpreter
from bench.harness.matrix import Case
from bench.worker.executors import registry

ALL_EXECUTORS = list(registry())


def make_config(**changes: Any) -> RunConfig:
    """A quick RunConfig for the cpu workload at workers 1,2 (over every executor), with ``changes``."""
    chosen = changes.get("workloads", ["cpu"])
    base: dict[str, Any] = {
        "workloads": chosen,
        "executors": ALL_EXECUTORS,
        "explicit_executors": False,
        "workers": [1, 2],
        "ladders": {},
        "values": config.resolve_values(chosen, {}, quick=True),
    }
    return RunConfig(**{**base, **changes})


def test_case_ids_params_and_worker_config() -> None:
    """A case names itself, saves its workload values in ``params`` and sends them to its worker."""
    case = Case("cpu", "threads", 2, (("n", 100), ("tasks", 0)), paired=True)
    assert case.id == "cpu-threads-w2"
    assert case.params == {"workload": "cpu", "executor": "threads", "workers": 2, "n": 100, "tasks": 0, "pass": 0}
    sent = json.loads(case.worker_config({"url": "http://127.0.0.1:1"}))
    assert sent == {
        "workload": "cpu",
        "target": None,
        "executor": "threads",
        "workers": 2,
        "params": {"n": 100, "tasks": 0},
        "context": {"url": "http://127.0.0.1:1"},
        "baseline": False,
    }
    assert json.loads(case.worker_config(baseline=True))["baseline"] is True
    assert json.loads(case.worker_config(target={"spec": "m:f"}))["target"] == {"spec": "m:f"}
    assert Case("cpu", "threads", 2, (), pass_index=1).id == "cpu-threads-w2-p1"


def test_pairing_comes_from_how_the_workload_is_judged() -> None:
    """Paired workloads pair every executor but the baseline; a workload judged against an ideal pairs none."""
    paired = {(c.workload, c.executor): c.paired for c in matrix.build(make_config(workloads=["cpu", "http"]))}
    assert paired[("cpu", "threads")] and paired[("cpu", "processes")]
    assert not paired[("cpu", "sequential")]
    assert not any(p for (workload, _), p in paired.items() if workload == "http")


def test_build_skips_sequential_above_one_worker_with_a_reason() -> None:
    """Every (executor, workers) pair is a case; sequential at workers > 1 is skipped, never dropped."""
    cases = matrix.build(make_config())
    assert {(c.executor, c.workers) for c in cases} == {(e, w) for e in ALL_EXECUTORS for w in (1, 2)}
    sequential_2 = next(c for c in cases if c.executor == "sequential" and c.workers == 2)
    assert sequential_2.skip is not None and "workers=1" in sequential_2.skip
    runnable = [c for c in cases if c.skip is None]
    assert {c.executor for c in runnable} == {e for e in ALL_EXECUTORS if not unrunnable_reason(e)}
    assert all(c.workers == 1 for c in runnable if c.executor == "sequential")


def test_build_uses_the_resolved_values_for_every_case() -> None:
    """Every case of a workload carries that workload's values, sorted by name."""
    cases = matrix.build(make_config(values=config.resolve_values(["cpu"], {"cpu_n": 1234}, quick=True)))
    assert {c.values for c in cases} == {(("n", 1234), ("tasks", 0))}


def test_build_skips_processes_over_the_cap_with_the_reason() -> None:
    """A processes case needing more processes than --max-processes is skipped, saying why; others run."""
    cases = matrix.build(make_config(workers=[1, 2, 4], max_processes=2))
    by_key = {(c.executor, c.workers): c for c in cases}
    assert by_key[("processes", 1)].skip is None
    assert by_key[("processes", 2)].skip is None
    reason = by_key[("processes", 4)].skip
    assert reason is not None and "max-processes" in reason and "2" in reason
    assert by_key[("threads", 4)].skip is None


def test_pipeline_processes_cap_counts_producers_and_consumers() -> None:
    """pipeline at workers=2 needs 4 processes (2 producers + 2 consumers): over a cap of 3."""
    cases = matrix.build(make_config(workloads=["pipeline"], max_processes=3))
    by_key = {(c.executor, c.workers): c for c in cases}
    assert by_key[("processes", 1)].skip is None
    assert by_key[("processes", 2)].skip is not None


def test_a_workload_has_its_own_ladder() -> None:
    """--http-workers overrides --workers for http alone; without either, the workload's own default ladder."""
    assert {c.workers for c in matrix.build(make_config(workloads=["http"], ladders={"http": [3]}))} == {3}
    assert {c.workers for c in matrix.build(make_config(workloads=["http"]))} == {1, 2}
    default = matrix.build(make_config(workloads=["http"], workers=None))
    from workloads.http import Http

    assert {c.workers for c in default} == set(Http.default_workers)


def test_one_pass_keeps_the_declared_order() -> None:
    """With one pass the cases come workload by workload, ladder by ladder, executor by executor."""
    cases = matrix.build(make_config())
    assert [(c.workers, c.executor) for c in cases] == [(w, e) for w in (1, 2) for e in ALL_EXECUTORS]
    assert all(c.pass_index == 0 for c in cases)


def test_passes_shuffle_reproducibly_from_the_seed() -> None:
    """Several passes each hold every case once, in a shuffled order that the seed alone decides."""
    one_pass = matrix.build(make_config())
    first = matrix.build(make_config(passes=3, seed=1234))
    again = matrix.build(make_config(passes=3, seed=1234))
    other = matrix.build(make_config(passes=3, seed=4321))
    assert [c.id for c in first] == [c.id for c in again]
    assert [c.id for c in first] != [c.id for c in other]
    assert len(first) == 3 * len(one_pass)
    key = {(c.workload, c.executor, c.workers, c.skip, c.paired) for c in one_pass}
    for index in range(3):
        in_pass = [c for c in first if c.pass_index == index]
        assert {(c.workload, c.executor, c.workers, c.skip, c.paired) for c in in_pass} == key
    orders = [[(c.executor, c.workers) for c in first if c.pass_index == i] for i in range(3)]
    assert orders[0] != orders[1] or orders[1] != orders[2]
    assert len({c.id for c in first}) == len(first)


def test_a_missing_executor_is_skipped_with_its_reason(monkeypatch: Any) -> None:
    """An executor that cannot run here is a skipped case that names what is missing, never a dropped one."""
    monkeypatch.setattr(matrix, "missing_requirements", lambda name: ["gevent"] if name == "gevent" else [])
    gevent_case = next(c for c in matrix.build(make_config(workers=[1])) if c.executor == "gevent")
    assert gevent_case.skip is not None and "not installed" in gevent_case.skip


def fake_python(label: str, missing: tuple[str, ...] = (), free_threaded: bool = False) -> Interpreter:
    """An interpreter as --python resolves it, from facts alone (no process)."""
    found = {module: None if module in missing else f"/site/{module}" for module in ("gevent", "aiohttp")}
    facts = {"version": "3.13.0", "free_threaded_build": free_threaded, "found": found}
    return Interpreter(label, label, f"/x/{label}", f"/x/{label}", facts)


def test_interpreters_alternate_from_one_case_to_the_next() -> None:
    """ABBA over consecutive cases: neither interpreter always runs first, so drift favours neither."""
    pythons = [fake_python("3.11"), fake_python("3.13")]
    cases = matrix.build(make_config(pythons=pythons, executors=["sequential", "threads"], workers=[1]))
    assert [(c.executor, c.python) for c in cases] == [
        ("sequential", "3.11"),
        ("sequential", "3.13"),
        ("threads", "3.13"),
        ("threads", "3.11"),
    ]
    assert cases[0].id == "cpu-sequential-w1-3.11"
    assert cases[0].params["python"] == "3.11"
    assert "python" not in Case("cpu", "threads", 1, ()).params  # a run of the harness's own interpreter


def test_passes_shuffle_cases_but_keep_a_cases_interpreters_together() -> None:
    pythons = [fake_python("3.11"), fake_python("3.13")]
    cases = matrix.build(make_config(pythons=pythons, passes=3, seed=7))
    for first, second in zip(cases[::2], cases[1::2], strict=True):
        assert (first.executor, first.workers, first.pass_index) == (second.executor, second.workers, second.pass_index)
        assert {first.python, second.python} == {"3.11", "3.13"}
    firsts = [case.python for case in cases[::2]]
    assert firsts.count("3.11") == firsts.count("3.13")  # each pass alternates: half the cases start with each


def test_skips_are_decided_per_interpreter() -> None:
    """gevent missing under one interpreter, or free-threaded: skipped there only, with the reason and where.

    On a free-threaded build gevent is not installed on purpose (its environment leaves it out): the reason given
    is the executor's own (``ExecutorInfo.not_free_threaded``), never "not installed".
    """
    pythons = [
        fake_python("3.11"),
        fake_python("3.13", missing=("gevent",)),
        fake_python("3.14t", free_threaded=True),
        fake_python("3.13t-nogil", missing=("gevent",), free_threaded=True),
    ]
    cases = matrix.build(make_config(pythons=pythons, executors=["gevent"], workers=[1]))
    reasons = {case.python: case.skip for case in cases}
    assert reasons["3.11"] is None
    assert reasons["3.13"] == "gevent needs gevent, which is not installed under 3.13"
    why = "gevent publishes no free-threaded build, and greenlet, which it runs on, turns the GIL back on"
    assert reasons["3.14t"] == f"gevent does not run on free-threaded builds (here 3.14t): {why}"
    assert reasons["3.13t-nogil"] == f"gevent does not run on free-threaded builds (here 3.13t-nogil): {why}"


def test_an_executor_missing_its_extra_says_how_to_install_it(monkeypatch: Any) -> None:
    """An optional model's skip reason names its extra (pip install 'concurrency-bench[distributed]')."""
    monkeypatch.setattr(matrix, "missing_requirements", lambda name: ["distributed"] if name == "dask" else [])
    dask_case = next(c for c in matrix.build(make_config(workers=[1])) if c.executor == "dask")
    assert dask_case.skip == (
        "dask needs distributed, which is not installed (pip install 'concurrency-bench[distributed]')"
    )


def test_the_process_cap_applies_to_every_model_whose_units_are_whole_interpreters() -> None:
    """Pool processes, subinterpreters and dask workers count against --max-processes; threads never do."""
    capped = {c.executor for c in matrix.build(make_config(workers=[4], max_processes=3)) if c.skip and "cap" in c.skip}
    assert capped == {name for name, info in registry().items() if info.whole_interpreters} - {
        c.executor for c in matrix.build(make_config(workers=[4])) if c.skip
    }
    assert {"processes", "processes-fork", "processes-forkserver", "processes-spawn", "futures-processes"} <= capped
    assert "threads" not in capped
    reasons = {c.executor: c.skip for c in matrix.build(make_config(workers=[4], max_processes=3))}
    assert reasons["processes"] == (
        "processes: 4 processes are over the cap of 3 (--max-processes; each is a whole interpreter)"
    )
    if sys.version_info >= (3, 12):  # on 3.11 they are skipped sooner, for their shared GIL
        assert reasons["interpreters"] == (
            "interpreters: 4 interpreters are over the cap of 3 (--max-processes; each is a whole interpreter)"
        )
