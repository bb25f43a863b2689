"""bench.analysis.side_by_side: interpreters of one --python run set side by side (from saved data only)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import steady

from bench import results
from bench.analysis import report, side_by_side, summary
from bench.analysis.figures.interpreters import interpreters_figure
from bench.analysis.table import Facts, cases


def two_pythons(data: dict[str, Any], factor: float, passes: int = 1) -> dict[str, Any]:
    """A --python 3.11,3.13 run made of the tiny run: 3.13's rounds ``factor`` x 3.11's, the same speedups."""
    run = copy.deepcopy(data)
    run["benchmarks"] = []
    pythons = []
    for label, scale in (("3.11", 1.0), ("3.13", factor)):
        for entry in steady(data, factor=scale, passes=passes)["benchmarks"]:
            entry["params"]["python"] = label
            entry["extra_info"].update(gil_enabled=True, gil_expected=True)
            run["benchmarks"].append(entry)
        pythons.append(
            {
                "label": label,
                "version": f"{label}.0",
                "implementation": "CPython",
                "gil_enabled": True,
                "free_threaded_build": False,
                "env": {},
                "base": f"/x/python{label}",
                "environment": None,
            }
        )
    run["machine_info"]["bench_run"]["pythons"] = pythons
    return run


def test_time_ratio_interval_and_each_interpreters_own_speedup(tiny_run_data: dict[str, Any]) -> None:
    run = two_pythons(tiny_run_data, 1.3, passes=2)
    facts = Facts.of(run)
    found = side_by_side.table(cases(run, facts), facts)
    assert set(found["other"]) == {"3.13"} and set(found["first"]) == {"3.11"}
    assert found["ratio"].to_numpy() == pytest.approx(1.3)
    assert (found["ci_low"] > 1.0).all()
    assert set(found["verdict"]) == {"slower"}  # two passes each: interleaved times may be called
    threads = found[(found["executor"] == "threads") & (found["workload"] == "cpu")].iloc[0]
    assert (
        threads["speedup 3.11"].endswith("]")
        and threads["speedup 3.11"].split(" ")[0] == threads["speedup 3.13"].split(" ")[0]
    )


def test_one_pass_calls_only_what_processes_cannot_explain(tiny_run_data: dict[str, Any]) -> None:
    """Interleaved in one run the drift is shared; two processes may still differ by up to 20%: called beyond."""
    run = two_pythons(tiny_run_data, 1.3)
    facts = Facts.of(run)
    found = side_by_side.table(cases(run, facts), facts)
    assert found["ratio"].to_numpy() == pytest.approx(1.3)
    assert set(found["verdict"]) == {"slower"} and set(found["note"]) == {
        "one pass: beyond the 20% that processes vary"
    }
    close = two_pythons(tiny_run_data, 1.1)
    within = side_by_side.table(cases(close, Facts.of(close)), Facts.of(close))
    assert set(within["verdict"]) == {"no significant change"}
    assert set(within["note"]) == {"one pass: within the 20% that two processes can differ by"}


def test_a_duel_between_the_two_interpreters_cases_decides_their_cell(tiny_run_data: dict[str, Any]) -> None:
    run = two_pythons(tiny_run_data, 1.1)
    cpu = next(
        e for e in run["benchmarks"] if e["params"]["workload"] == "cpu" and e["params"]["executor"] == "sequential"
    )
    side = {"executor": "sequential", "workers": 1}
    params = {k: v for k, v in cpu["params"].items() if k not in ("workload", "executor", "workers", "pass", "python")}
    run["machine_info"]["bench_run"]["duels"] = [
        {
            "workload": "cpu",
            "params": params,
            "a": {**side, "python": "3.11"},
            "b": {**side, "python": "3.13"},
            "ratio": 1.1,
            "low": 1.08,
            "high": 1.12,
            "outcome": "a",
            "pairs": 8,
            "margin": 0.05,
        }
    ]
    facts = Facts.of(run)
    found = side_by_side.table(cases(run, facts), facts)
    (sequential,) = found[(found["workload"] == "cpu") & (found["executor"] == "sequential")].to_dict("records")
    assert sequential["verdict"] == "slower" and sequential["note"] == "a duel of 16 alternating rounds"
    assert (sequential["ratio"], sequential["ci_low"], sequential["ci_high"]) == pytest.approx((1.1, 1.08, 1.12))


def test_report_and_printed_table_of_a_run_of_two_interpreters(tiny_run_data: dict[str, Any], tmp_path: Path) -> None:
    run = two_pythons(tiny_run_data, 1.3)
    gone = run["benchmarks"][-1]
    gone["extra_info"].update(gil_enabled=True, gil_expected=False)  # as a free-threaded case whose GIL came back
    path = tmp_path / "0001_x_20260101_000000.json"
    results.write_json_atomic(path, run)
    folder = report.write_report(path, tmp_path / "reports")
    index = (folder / "index.md").read_text()
    assert "## Interpreters side by side" in index
    assert "| 3.13 | CPython 3.13.0 | False |" in index
    assert "**The GIL came back on at run time** in:" in index
    assert "figures and tables below are 3.11's" in index
    assert (folder / "interpreters.png").stat().st_size > 0
    printed = side_by_side.printed(results.load_run(path))
    assert "3.13/3.11 time" in printed and "The GIL came back on at run time in:" in printed
    headline = summary.headline(results.load_run(path))
    assert "python" in headline.splitlines()[0] and "3.13" in headline


def test_a_run_of_one_interpreter_has_no_such_section(tiny_run_data: dict[str, Any]) -> None:
    facts = Facts.of(tiny_run_data)
    frame = cases(tiny_run_data, facts)
    assert side_by_side.section(tiny_run_data, frame, facts) == []
    assert side_by_side.printed(tiny_run_data) == ""
    assert interpreters_figure(frame, facts) is None
    pd.testing.assert_frame_equal(side_by_side.reference_cases(frame, facts), frame)
