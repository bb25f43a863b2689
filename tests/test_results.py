"""Loading saved runs: each format migration step on a small hand-written run, newer formats and unknown names refused.

The documents here are written out by hand in the shape each format had, so a
step is tested on what that format really held, not on a run this harness
wrote and then stripped.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from bench import FORMAT_VERSION, migrations, results, vocabulary
from bench.errors import UserError

ROOT = Path(__file__).resolve().parents[1]


def entry(workload: str, executor: str, workers: int) -> dict[str, Any]:
    """One benchmark as pytest-benchmark saves it, with our params."""
    params = {"workload": workload, "executor": executor, "workers": workers}
    return {"group": workload, "params": params, "stats": {"median": 0.1, "data": [0.1, 0.1]}, "extra_info": {}}


def format_1() -> dict[str, Any]:
    """A run of format 1: workloads known by name only, http's worker counts in config.http_workers."""
    return {
        "machine_info": {
            "bench": {"format_version": 1, "usable_cores": 2},
            "bench_run": {"config": {"values": {"cpu": {"n": 1000}}, "http_workers": [1, 10]}},
        },
        "benchmarks": [entry("cpu", "sequential", 1), entry("http", "threads", 10), entry("mine", "asyncio", 2)],
    }


def format_2() -> dict[str, Any]:
    """A run of format 2: workloads and executors describe themselves; no interpreters of its own."""
    return {
        "machine_info": {
            "bench": {"format_version": 2},
            "bench_run": {
                "workloads": {"cpu": {"judged_by": "paired", "figure": "scaling"}},
                "executors": {"threads": {"unit": "thread"}},
            },
        },
        "benchmarks": [entry("cpu", "threads", 2)],
    }


def save(data: dict[str, Any], folder: Path, name: str = "run.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(data))
    return path


def test_update_to_2_describes_format_1s_workloads_and_executors_as_format_1_knew_them() -> None:
    old = format_1()
    kept = copy.deepcopy(old)
    new = migrations.update_to_2(old)
    assert old == kept  # a copy: what was loaded is left as it was
    bench, bench_run = new["machine_info"]["bench"], new["machine_info"]["bench_run"]
    assert (bench["format_version"], bench["migrated_from"]) == (2, 1)
    workloads = bench_run["workloads"]
    assert list(workloads) == ["cpu", "http", "mine"]  # in the order the run holds them
    assert workloads["cpu"]["judged_by"] == vocabulary.PAIRED and workloads["cpu"]["heatmap"]
    assert workloads["cpu"]["description"] == "n=1000"  # from the run's own sizes
    assert (workloads["http"]["judged_by"], workloads["http"]["figure"]) == (vocabulary.IDEAL, vocabulary.AGAINST_IDEAL)
    assert workloads["http"]["needs_server"] and not workloads["http"]["core_bound"]
    assert workloads["mine"] == {
        "core_bound": True,
        "needs_server": False,
        "ideal": "",
        "description": "",
        "unit": "",
        "judged_by": vocabulary.PAIRED,
        "figure": vocabulary.SCALING,
        "heatmap": False,
    }
    assert bench_run["executors"]["threads"]["unit"] == vocabulary.THREAD
    assert bench_run["config"]["ladders"] == {"http": [1, 10]}  # config.http_workers became http's ladder


def test_update_to_3_gives_format_2_the_harness_interpreter_alone() -> None:
    old = format_2()
    new = migrations.update_to_3(old)
    assert "pythons" not in old["machine_info"]["bench_run"]
    assert new["machine_info"]["bench_run"]["pythons"] == []
    assert (new["machine_info"]["bench"]["format_version"], new["machine_info"]["bench"]["migrated_from"]) == (3, 2)
    older = migrations.update_to_3(migrations.update_to_2(format_1()))
    assert older["machine_info"]["bench"]["migrated_from"] == 1  # the format it was saved in, not the last step's


def test_update_to_4_says_no_round_was_redone_and_no_duel_held() -> None:
    """Format 3 counted every round it measured and held no duels; its unstable reasons stay as judged then."""
    old = migrations.update_to_3(format_2())
    old["benchmarks"][0]["extra_info"]["unstable"] = ["rounds vary by 9% (CV over 5%)"]
    new = migrations.update_to_4(old)
    assert new["machine_info"]["bench_run"]["duels"] == []
    assert all(b["extra_info"]["rounds_redone"] == [] == b["extra_info"]["loaded_rounds"] for b in new["benchmarks"])
    assert new["benchmarks"][0]["extra_info"]["unstable"] == ["rounds vary by 9% (CV over 5%)"]
    assert (new["machine_info"]["bench"]["format_version"], new["machine_info"]["bench"]["migrated_from"]) == (4, 2)
    assert "duels" not in old["machine_info"]["bench_run"]  # a copy: the run given is left as it was


def test_every_format_has_its_step_and_a_run_goes_through_each() -> None:
    assert set(migrations.STEPS) == set(range(2, FORMAT_VERSION + 1))
    steps = migrations.update_to_4(migrations.update_to_3(migrations.update_to_2(format_1())))
    assert migrations.migrate(format_1(), 1) == steps
    current = copy.deepcopy(format_2())
    current["machine_info"]["bench"]["format_version"] = FORMAT_VERSION
    assert migrations.migrate(current, FORMAT_VERSION) is current  # nothing to do, nothing copied


def test_load_run_migrates_a_format_1_file(tmp_path: Path) -> None:
    path = save(format_1(), tmp_path)
    run = results.load_run(path)
    assert run["machine_info"]["bench"]["format_version"] == FORMAT_VERSION
    assert run["machine_info"]["bench"]["migrated_from"] == 1
    assert run["_path"] == str(path)
    assert json.loads(path.read_text()) == format_1()  # the file itself is not rewritten


def test_load_run_refuses_a_newer_format(tmp_path: Path) -> None:
    newer = format_2()
    newer["machine_info"]["bench"]["format_version"] = FORMAT_VERSION + 1
    path = save(newer, tmp_path)
    with pytest.raises(UserError, match=rf"{path} was written by a newer concurrency-bench \(result format"):
        results.load_run(path)


@pytest.mark.parametrize(
    ("where", "key", "value", "said"),
    [
        ("workloads", "judged_by", "pairde", "workload 'cpu' is judged by 'pairde' (known: paired, ideal,"),
        ("workloads", "figure", "scalling", "workload 'cpu' is drawn as 'scalling' (known: scaling,"),
        ("executors", "unit", "threads", "executor 'threads' has the unit 'threads' (known: call, thread,"),
    ],
)
def test_load_run_refuses_a_name_it_does_not_know(tmp_path: Path, where: str, key: str, value: str, said: str) -> None:
    """A typo in a judgement, a figure or a unit is one clear error naming the file and the name."""
    data = format_2()
    data["machine_info"]["bench_run"][where][next(iter(data["machine_info"]["bench_run"][where]))][key] = value
    path = save(data, tmp_path)
    with pytest.raises(UserError) as raised:
        results.load_run(path)
    message = str(raised.value)
    assert message.startswith(f"{path} holds a name this concurrency-bench does not know: {said}")
    assert message.endswith("(a typo where it was written, or a run from a newer version: upgrade to read it)")


def test_load_run_refuses_a_duel_outcome_it_does_not_know(tmp_path: Path) -> None:
    """The analysis decides by a duel's reason, basis and outcome: a name it does not know is one clear error."""
    data = format_2()
    duel = {"workload": "cpu", "why": vocabulary.LEADERS, "basis": vocabulary.TIME_BASIS, "outcome": "a-wins"}
    data["machine_info"]["bench_run"]["duels"] = [duel]
    with pytest.raises(UserError) as raised:
        results.load_run(save(data, tmp_path))
    assert "a duel on 'cpu' has the outcome 'a-wins' (known: a, b, equivalent, undecided)" in str(raised.value)


def test_load_run_refuses_a_judgement_without_the_measures_it_reads(tmp_path: Path) -> None:
    data = format_2()
    data["machine_info"]["bench_run"]["workloads"]["locks"] = {
        "judged_by": vocabulary.RACE,
        "figure": vocabulary.BY_WORKERS,
        "measures": [{"name": vocabulary.LOST_SHARE}, {"name": "increments_per_second"}],
    }
    data["machine_info"]["bench_run"]["workloads"]["cpu"]["figure"] = "heat"
    with pytest.raises(UserError) as raised:
        results.load_run(save(data, tmp_path))
    assert "holds names this concurrency-bench does not know: workload 'cpu' is drawn as 'heat'" in str(raised.value)
    assert "; workload 'locks', judged by 'race', lacks the measures increments_per_s (" in str(raised.value)


def test_the_reference_runs_hold_only_known_names() -> None:
    for path in sorted((ROOT / "results" / "reference").glob("*.json")):
        assert results.unknown_names(results.load_run(path)) == [], path
