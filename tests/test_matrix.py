"""bench.matrix: the ladder of worker counts, which cases a run holds, and options resolved to a RunConfig."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from bench import matrix
from bench.errors import UserError
from bench.executors import EXECUTORS
from bench.matrix import Case, RunConfig

ALL_EXECUTORS = list(EXECUTORS)


def config(**changes: Any) -> RunConfig:
    """A quick RunConfig for the cpu workload at workers 1,2 (over every executor), with ``changes``."""
    base: dict[str, Any] = {
        "workloads": ["cpu"],
        "executors": ALL_EXECUTORS,
        "explicit_executors": False,
        "workers": [1, 2],
        "http_workers": None,
        "values": matrix.resolve_values({}, quick=True),
    }
    return RunConfig(**{**base, **changes})


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A 127.0.0.1 port held bound and listening by this test."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        yield holder.getsockname()[1]


@pytest.mark.parametrize(
    ("usable", "ladder"),
    [(1, [1, 2]), (2, [1, 2, 4]), (3, [1, 2, 3, 4, 6]), (4, [1, 2, 4, 8])],
)
def test_cpu_ladder_doubles_up_to_twice_the_usable_cores(usable: int, ladder: list[int]) -> None:
    """Powers of two up to 2x usable cores, with the usable count and its double always in."""
    assert matrix.cpu_ladder(usable) == ladder


def test_cpu_ladder_for_many_cores_ends_at_their_double() -> None:
    """16 usable cores: 1, 2, 4, 8, 16, 32."""
    assert matrix.cpu_ladder(16) == [1, 2, 4, 8, 16, 32]
    assert 3 in matrix.cpu_ladder(3)
    assert 6 in matrix.cpu_ladder(3)


def test_case_ids_params_and_worker_config() -> None:
    """A case names itself, saves its workload values in ``params`` and sends them to its worker."""
    case = Case("cpu", "threads", 2, (("n", 100), ("tasks", 0)))
    assert case.id == "cpu-threads-w2"
    assert case.params == {"workload": "cpu", "executor": "threads", "workers": 2, "n": 100, "tasks": 0, "pass": 0}
    sent = json.loads(case.worker_config({"url": "http://127.0.0.1:1"}))
    assert sent == {
        "workload": "cpu",
        "executor": "threads",
        "workers": 2,
        "params": {"n": 100, "tasks": 0},
        "context": {"url": "http://127.0.0.1:1"},
        "baseline": False,
    }
    assert json.loads(case.worker_config(baseline=True))["baseline"] is True
    assert case.paired
    assert not Case("http", "threads", 2, ()).paired
    assert not Case("cpu", "sequential", 1, ()).paired
    assert Case("cpu", "threads", 2, (), pass_index=1).id == "cpu-threads-w2-p1"


def test_build_skips_sequential_above_one_worker_with_a_reason() -> None:
    """Every (executor, workers) pair is a case; sequential at workers > 1 is skipped, never dropped."""
    cases = matrix.build(config())
    assert {(c.executor, c.workers) for c in cases} == {(e, w) for e in ALL_EXECUTORS for w in (1, 2)}
    sequential_2 = next(c for c in cases if c.executor == "sequential" and c.workers == 2)
    assert sequential_2.skip is not None and "workers=1" in sequential_2.skip
    runnable = [c for c in cases if c.skip is None]
    assert {c.executor for c in runnable} == set(ALL_EXECUTORS)
    assert all(c.workers == 1 for c in runnable if c.executor == "sequential")


def test_build_uses_the_resolved_values_for_every_case() -> None:
    """Every case of a workload carries that workload's values, sorted by name."""
    cases = matrix.build(config(values=matrix.resolve_values({"cpu_n": 1234}, quick=True)))
    assert {c.values for c in cases} == {(("n", 1234), ("tasks", 0))}


def test_build_skips_processes_over_the_cap_with_the_reason() -> None:
    """A processes case needing more processes than --max-processes is skipped, saying why; others run."""
    cases = matrix.build(config(workers=[1, 2, 4], max_processes=2))
    by_key = {(c.executor, c.workers): c for c in cases}
    assert by_key[("processes", 1)].skip is None
    assert by_key[("processes", 2)].skip is None
    reason = by_key[("processes", 4)].skip
    assert reason is not None and "max-processes" in reason and "2" in reason
    assert by_key[("threads", 4)].skip is None


def test_pipeline_processes_cap_counts_producers_and_consumers() -> None:
    """pipeline at workers=2 needs 4 processes (2 producers + 2 consumers): over a cap of 3."""
    cases = matrix.build(config(workloads=["pipeline"], max_processes=3))
    by_key = {(c.executor, c.workers): c for c in cases}
    assert by_key[("processes", 1)].skip is None
    assert by_key[("processes", 2)].skip is not None


def test_http_uses_its_own_ladder() -> None:
    """--http-workers overrides --workers for http alone; without either, the default http ladder."""
    assert {c.workers for c in matrix.build(config(workloads=["http"], http_workers=[3]))} == {3}
    assert {c.workers for c in matrix.build(config(workloads=["http"]))} == {1, 2}
    default = matrix.build(config(workloads=["http"], workers=None))
    assert {c.workers for c in default} == set(matrix.DEFAULT_HTTP_LADDER)


def test_one_pass_keeps_the_declared_order() -> None:
    """With one pass the cases come workload by workload, ladder by ladder, executor by executor."""
    cases = matrix.build(config())
    assert [(c.workers, c.executor) for c in cases] == [(w, e) for w in (1, 2) for e in ALL_EXECUTORS]
    assert all(c.pass_index == 0 for c in cases)


def test_passes_shuffle_reproducibly_from_the_seed() -> None:
    """Several passes each hold every case once, in a shuffled order that the seed alone decides."""
    one_pass = matrix.build(config())
    first = matrix.build(config(passes=3, seed=1234))
    again = matrix.build(config(passes=3, seed=1234))
    other = matrix.build(config(passes=3, seed=4321))
    assert [c.id for c in first] == [c.id for c in again]
    assert [c.id for c in first] != [c.id for c in other]
    assert len(first) == 3 * len(one_pass)
    key = {(c.workload, c.executor, c.workers, c.skip) for c in one_pass}
    for index in range(3):
        in_pass = [c for c in first if c.pass_index == index]
        assert {(c.workload, c.executor, c.workers, c.skip) for c in in_pass} == key
    orders = [[(c.executor, c.workers) for c in first if c.pass_index == i] for i in range(3)]
    assert orders[0] != orders[1] or orders[1] != orders[2]
    assert len({c.id for c in first}) == len(first)


def test_from_options_fills_defaults_and_records_a_seed() -> None:
    """No options: the visible workloads, every executor, a seed chosen and kept in the config."""
    made = matrix.from_options({})
    assert made.workloads == ["cpu", "http", "pipeline"]
    assert made.executors == ALL_EXECUTORS
    assert not made.explicit_executors
    assert isinstance(made.seed, int)
    assert made.as_dict()["seed"] == made.seed
    chosen = matrix.from_options({"seed": 7, "passes": 2, "rounds": 3, "quick": True, "cpu_n": 999})
    assert (chosen.seed, chosen.passes, chosen.rounds) == (7, 2, 3)
    assert chosen.values["cpu"]["n"] == 999
    assert chosen.values["pipeline"]["items"] == 3000  # the --quick default


def test_from_options_refuses_an_explicit_executor_that_is_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Asking for gevent where it is missing is a UserError naming the package; not asking skips it instead."""
    monkeypatch.setattr(matrix, "missing_requirements", lambda name: ["gevent"] if name == "gevent" else [])
    with pytest.raises(UserError, match="gevent") as error:
        matrix.from_options({"executors": ["threads", "gevent"]})
    assert "pip install gevent" in str(error.value)
    implicit = matrix.from_options({"workloads": ["cpu"], "workers": [1]})
    gevent_case = next(c for c in matrix.build(implicit) if c.executor == "gevent")
    assert gevent_case.skip is not None and "not installed" in gevent_case.skip


def test_from_options_refuses_a_busy_server_port(busy_port: int) -> None:
    """A taken --server-port is refused before anything runs, naming the port."""
    with pytest.raises(UserError, match=str(busy_port)):
        matrix.from_options({"server_port": busy_port})
    # Without http there is no server, so the port does not matter.
    assert matrix.from_options({"server_port": busy_port, "workloads": ["cpu"]}).server_port == busy_port
