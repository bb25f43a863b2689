"""bench.analysis.table: the case frame every analysis reads, and the facts a run records about itself."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from bench.analysis import table
from bench.analysis.table import Facts


def only(data: dict[str, Any], *workloads: str) -> dict[str, Any]:
    data = copy.deepcopy(data)
    data["benchmarks"] = [e for e in data["benchmarks"] if e["params"]["workload"] in workloads]
    return data


def test_workload_params_leave_out_the_case_and_the_pass() -> None:
    params = {"workload": "cpu", "executor": "threads", "workers": 2, "tasks": 0, "n": 10, "pass": 1}
    assert table.workload_params(params) == "n=10, tasks=0"


def test_cases_pool_passes(tiny_run_data: dict[str, Any]) -> None:
    data = only(tiny_run_data, "cpu")
    first = next(e for e in data["benchmarks"] if e["params"]["executor"] == "threads")
    second = copy.deepcopy(first)
    second["params"]["pass"] = 1
    second["stats"]["median"] = first["stats"]["median"] * 3
    first["extra_info"]["unstable"], second["extra_info"]["unstable"] = ["noisy"], []
    data["benchmarks"].append(second)
    frame = table.cases(data)
    row = frame[(frame["executor"] == "threads") & (frame["workers"] == first["params"]["workers"])].iloc[0]
    assert len(frame) == len(data["benchmarks"]) - 1
    assert row["passes"] == 2
    assert row["median_s"] == pytest.approx(first["stats"]["median"] * 2)  # median of the two medians
    assert len(row["data"]) == 2 * len(first["stats"]["data"])
    assert len(row["data_by_pass"]) == 2 and len(row["ratios_by_pass"]) == 2  # passes kept apart too
    assert row["unstable"] == ["pass 0: noisy"]


def test_cases_of_an_empty_run_is_an_empty_frame(tiny_run_data: dict[str, Any]) -> None:
    frame = table.cases(only(tiny_run_data))
    assert frame.empty
    assert set(table.KEY) <= set(frame.columns)


def test_cases_sort_executors_by_their_recorded_rank(tiny_run_data: dict[str, Any]) -> None:
    """The order of executors comes from the run's executor facts, not from a list of names."""
    data = copy.deepcopy(tiny_run_data)
    data["machine_info"]["bench_run"]["executors"]["asyncio"]["rank"] = -1
    frame = table.cases(only(data, "cpu"))
    assert frame[frame["workers"] == 1]["executor"].iloc[0] == "asyncio"


def test_facts_fill_in_what_a_run_does_not_say() -> None:
    facts = Facts({}, {"w": {"unit": "x/s"}}, {"e": {"rank": 3, "color": "red"}})
    assert facts.workload("w")["unit"] == "x/s" and facts.workload("w")["judged_by"] == "paired"
    assert facts.workload("unknown")["figure"] == "scaling"
    assert (facts.rank("e"), facts.color("e")) == (3, "red")
    assert facts.rank("other") == table.UNKNOWN_RANK and facts.color("other") in table.FALLBACK_COLORS
    assert facts.usable_cores == 1
