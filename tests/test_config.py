"""bench.harness.config and checks: options checked and resolved to a RunConfig once, every user mistake a UserError."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.errors import UserError
from bench.harness import checks, config
from bench.worker.executors import defaults, registry


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A 127.0.0.1 port held bound and listening by this test."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        yield holder.getsockname()[1]


@pytest.mark.parametrize(
    ("usable", "ladder"),
    [(1, [1, 2]), (2, [1, 2, 4]), (3, [1, 2, 3, 4, 6]), (4, [1, 2, 4, 8]), (16, [1, 2, 4, 8, 16, 32])],
)
def test_cpu_ladder_doubles_up_to_twice_the_usable_cores(usable: int, ladder: list[int]) -> None:
    """Powers of two up to 2x usable cores, with the usable count and its double always in."""
    assert config.cpu_ladder(usable) == ladder
    assert config.cpu_ladder(usable, quick=True) == sorted({1, usable})  # --quick: one unit, and one per core


def test_build_fills_defaults_and_records_a_seed(tmp_path: Path) -> None:
    """No options: the visible workloads, the default executors, a seed chosen and kept in the config."""
    made = config.build({"results": str(tmp_path)})
    assert made.workloads == ["cpu", "hashing", "http", "pipeline", "locks", "ipc", "switch", "spawn", "convoy"]
    assert made.executors == defaults() == [name for name, info in registry().items() if info.default]
    assert {"sequential", "threads", "processes", "gevent", "asyncio", "interpreters"} == set(defaults())
    assert not made.explicit_executors
    assert isinstance(made.seed, int)
    assert made.as_dict()["seed"] == made.seed
    chosen = config.build({"seed": 7, "passes": 2, "rounds": 3, "quick": True, "cpu_n": 999, "results": str(tmp_path)})
    assert (chosen.seed, chosen.passes, chosen.rounds) == (7, 2, 3)
    assert chosen.values["cpu"]["n"] == 999
    assert chosen.values["pipeline"]["items"] == 3000  # the --quick default
    assert chosen.explicit_sizes == ["cpu"]


def test_a_built_config_is_immutable_and_sizes_make_a_new_one(tmp_path: Path) -> None:
    """Frozen once built (defaults from the options table, --quick ones under --quick); calibrated sizes go into
    a copy, which records them."""
    made = config.build({"quick": True, "workloads": ["cpu"], "results": str(tmp_path)})
    assert (made.rounds, made.warmup_seconds, made.interval) == (4, 0.0, 0.05)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.rounds = 9
    sized = made.with_sizes({"cpu": 1234})
    assert sized.values["cpu"]["n"] == 1234 and sized.calibrated == {"cpu": 1234}
    assert made.values["cpu"]["n"] != 1234 and made.calibrated == {}
    assert sized.as_dict()["calibrated"] == {"cpu": 1234}


def test_workload_facts_are_saved_for_every_workload(tmp_path: Path) -> None:
    """Each workload of the run describes itself: unit, judgement, figure, and its values in words."""
    facts = config.build({"quick": True, "results": str(tmp_path)}).workload_facts()
    assert facts["cpu"]["judged_by"] == "paired" and facts["cpu"]["heatmap"]
    assert facts["http"]["judged_by"] == "ideal" and facts["http"]["needs_server"]
    assert facts["pipeline"]["unit"] == "items/s"
    assert "3,000 items" in facts["pipeline"]["description"]
    assert "producers = consumers = workers" in facts["pipeline"]["description"]


def test_an_explicit_executor_that_is_not_installed_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Asking for gevent where it is missing is a UserError naming the package."""
    monkeypatch.setattr(checks, "missing_requirements", lambda name: ["gevent"] if name == "gevent" else [])
    with pytest.raises(UserError, match="gevent") as error:
        config.build({"executors": ["threads", "gevent"], "results": str(tmp_path)})
    assert "pip install gevent" in str(error.value)
    monkeypatch.setattr(checks, "missing_requirements", lambda name: ["distributed"] if name == "dask" else [])
    with pytest.raises(UserError) as error:
        config.build({"executors": ["dask"], "results": str(tmp_path)})
    assert str(error.value) == (
        "executor 'dask' needs distributed, which is not installed here "
        "(pip install 'concurrency-bench[distributed]', or leave dask out of --executors)"
    )


def test_an_executor_this_python_cannot_run_is_skipped_not_refused(tmp_path: Path) -> None:
    """Asked for by name, subinterpreters on 3.11 are not a mistake the user can fix: skipped, with the reason."""
    made = config.build({"executors": ["interpreters"], "workloads": ["cpu"], "results": str(tmp_path)})
    assert made.executors == ["interpreters"]


def test_a_busy_server_port_is_refused(busy_port: int, tmp_path: Path) -> None:
    """A taken --server-port is refused before anything runs, naming the port; without a server it does not matter."""
    with pytest.raises(UserError, match=str(busy_port)):
        config.build({"server_port": busy_port, "results": str(tmp_path)})
    made = config.build({"server_port": busy_port, "workloads": ["cpu"], "results": str(tmp_path)})
    assert made.server_port == busy_port


@pytest.mark.parametrize("results", ["/proc/nope", "/proc/self/nope/deeper"])
def test_an_unusable_results_folder_is_refused_before_anything_runs(results: str) -> None:
    """A folder that cannot be made (here, under /proc) is one UserError, tried for real."""
    with pytest.raises(UserError, match="--results"):
        checks.check_results_folder(results)


def test_a_results_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(UserError, match="is a file"):
        checks.check_results_folder(str(tmp_path / "file" / "below"))


@pytest.mark.parametrize(
    ("options", "message"),
    [({"setup": "m:f"}, "--setup is for your own functions"), ({"tasks": 4}, "--tasks sizes your own functions")],
)
def test_target_options_without_a_target_are_refused(options: dict[str, object], message: str, tmp_path: Path) -> None:
    with pytest.raises(UserError, match=message):
        config.build({**options, "workloads": ["cpu"], "results": str(tmp_path)})
