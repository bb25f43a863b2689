"""bench.compare: matching, paired figures first, drift-exposed times, two-level verdicts, regressions, bad input."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import STEADY, run_bench, steady

from bench import cli, results
from bench.analysis import compare, quantities
from bench.cli import compare as compare_command


def save(data: dict[str, Any], tmp: Path, number: int, folder: str = "machine_gil") -> Path:
    """Save ``data`` as run ``number`` under ``tmp/results``, named as the harness names runs."""
    path = tmp / "results" / folder / f"{number:04d}_abc_20260101_00000{number % 10}.json"
    results.write_json_atomic(path, data)
    return path


def compare_cli(capsys: pytest.CaptureFixture[str], tmp: Path, *args: str) -> tuple[int, str, str]:
    """``python -m bench compare ARGS`` in this process (fast), through the real CLI entry point."""
    code = cli.main(["compare", *args, "--results", str(tmp / "results"), "--out", str(tmp / "reports")])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def table_of(tmp: Path, *labels: str) -> pd.DataFrame:
    path = tmp / "reports" / f"compare_{'_'.join(labels)}" / "compare.csv"
    frame = pd.read_csv(path, keep_default_na=False, dtype={"python": str})
    for column in ("ratio", "ci_low", "ci_high"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame


def of(frame: pd.DataFrame, figure: str) -> pd.DataFrame:
    return frame[frame["figure"] == figure]


@pytest.fixture
def base(tiny_run_data: dict[str, Any]) -> dict[str, Any]:
    return steady(tiny_run_data)


@pytest.fixture
def cpu_bound(tiny_run_data: dict[str, Any]) -> dict[str, Any]:
    """The tiny run's cases judged by a paired speedup: a slower machine slows every one of their rounds."""
    data = copy.deepcopy(tiny_run_data)
    data["benchmarks"] = [e for e in data["benchmarks"] if not e["extra_info"].get("ideal_s")]
    return data


# ---- units ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [("10%", 0.1), ("0.1", 0.1), ("0", 0.0), ("12.5%", 0.125)])
def test_threshold(text: str, value: float) -> None:
    assert compare_command.threshold(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["abc", "-5%", "nan", "%", "inf"])
def test_bad_threshold(text: str) -> None:
    with pytest.raises(Exception, match="fraction"):
        compare_command.threshold(text)


def test_labels_are_run_numbers_made_unique() -> None:
    paths = [Path("a/0001_x_y.json"), Path("b/0001_x_y.json"), Path("my run.json")]
    assert compare.labels(paths) == ["0001-1", "0001-2", "my-run"]


STEADY_PASS = [list(STEADY)]


@pytest.mark.parametrize(
    ("quantity", "base", "other", "verdict"),
    [
        # Round times: one pass cannot see process-to-process variation, so no time difference is called on it.
        (quantities.TIME, STEADY_PASS, [[1.5 * v for v in STEADY]], "inconclusive (one pass)"),
        (quantities.TIME, [list(STEADY)] * 2, [[1.5 * v for v in STEADY]] * 2, "slower"),
        (quantities.TIME, [list(STEADY)] * 2, [[0.5 * v for v in STEADY]] * 2, "faster"),
        # Paired figures: with one pass, only a change beyond the margin is called ...
        (quantities.SPEEDUP, STEADY_PASS, [[1.05 * v for v in STEADY]], quantities.SAME),
        (quantities.SPEEDUP, STEADY_PASS, [[1.5 * v for v in STEADY]], "higher speedup"),
        (quantities.CORES, STEADY_PASS, [[0.5 * v for v in STEADY]], "fewer cores"),
        # ... with two passes or more, the two-level interval alone decides.
        (quantities.SPEEDUP, [list(STEADY)] * 3, [[1.05 * v for v in STEADY]] * 3, "higher speedup"),
        (quantities.SPEEDUP, STEADY_PASS, STEADY_PASS, quantities.SAME),
        (quantities.SPEEDUP, [[1.0, 1.0]], [[2.0, 2.0]], "too few values to test (under 3)"),
        (quantities.SPEEDUP, [], STEADY_PASS, "not in both"),
    ],
)
def test_judge(quantity: quantities.Quantity, base: list[list[float]], other: list[list[float]], verdict: str) -> None:
    judged = quantities.judge(quantity, base, other)
    assert judged.verdict == verdict
    assert judged.significant == (verdict in (quantity.up, quantity.down))
    assert quantities.judge(quantity, base, other) == judged  # seeded: the same data give the same interval


def test_passes_that_disagree_make_a_time_difference_uncertain() -> None:
    """Process luck: passes 30% apart leave a 5% change of the medians within the interval."""
    base = [[1.0 * v for v in STEADY], [1.3 * v for v in STEADY], [0.8 * v for v in STEADY]]
    other = [[1.05 * v for v in unit] for unit in base]
    assert quantities.judge(quantities.TIME, base, other).verdict == quantities.SAME


# ---- the command --------------------------------------------------------------------------------------------------


def test_the_drift_of_the_issue_is_not_called_a_change(
    cpu_bound: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run B caught the machine in a slow phase: every CPU-bound round 1.5x slower, every paired figure the same.

    The paired figures say "no significant change"; the round times are labelled as exposed to drift, and
    with one pass each they are not called a change at all.
    """
    save(steady(cpu_bound), tmp_path, 1)
    save(steady(cpu_bound, factor=1.5), tmp_path, 2)
    code, stdout, stderr = compare_cli(capsys, tmp_path, "0001", "0002")
    assert (code, stderr) == (0, "")
    frame = table_of(tmp_path, "0001", "0002")
    paired = frame[frame["basis"] == compare.PAIRED_BASIS]
    assert set(of(paired, "speedup")["verdict"]) == {quantities.SAME}
    assert not paired["significant"].any()
    times = of(frame, "time")
    assert set(times["basis"]) == {compare.DRIFT_BASIS}
    assert times["ratio"].to_numpy() == pytest.approx(1.5)
    assert set(times["verdict"]) == {"inconclusive (one pass)"}
    assert stdout.index("PAIRED FIGURES") < stdout.index("ROUND TIMES (exposed to drift")
    assert "0 of " in stdout and "round times changed significantly" in stdout
    assert (tmp_path / "reports" / "compare_0001_0002" / "compare.png").stat().st_size > 0


def test_csv_keeps_every_compared_figure_with_its_interval_and_verdict(
    base: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save(base, tmp_path, 1)
    save(base, tmp_path, 2)
    compare_cli(capsys, tmp_path, "0001", "0002")
    frame = table_of(tmp_path, "0001", "0002")
    assert {
        "figure",
        "basis",
        "base_value",
        "base_ci_low",
        "other_value",
        "ratio",
        "ci_low",
        "ci_high",
        "verdict",
    } <= set(frame.columns)
    cases = {(e["params"]["workload"], e["params"]["executor"], e["params"]["workers"]) for e in base["benchmarks"]}
    times = of(frame, "time")
    assert set(zip(times["workload"], times["executor"], times["workers"], strict=True)) == cases
    paired_cases = [e for e in base["benchmarks"] if e["extra_info"].get("speedup_rounds")]
    assert len(of(frame, "speedup")) == len(paired_cases)
    assert len(of(frame, "vs_ideal")) == sum(1 for e in base["benchmarks"] if e["extra_info"].get("ideal_s"))
    assert len(of(frame, "effective_cores")) == len(cases)
    tested = frame[frame["ci_low"].notna()]
    assert (tested["ci_low"] <= 1.0).all() and (tested["ci_high"] >= 1.0).all()
    assert set(frame["verdict"]) <= {
        quantities.SAME,
        "too few values to test (under 3)",
        "not tested (a zero in the first run)",
    }


def test_a_real_change_of_speedup_is_called_from_one_pass(
    base: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A free-threaded build's threads: speedup 1.0 -> 1.9 is far beyond the one-pass margin."""
    save(base, tmp_path, 1)
    save(steady(base, speedup=1.9), tmp_path, 2)
    code, stdout, _ = compare_cli(capsys, tmp_path, "0001", "0002")
    assert code == 0
    speedups = of(table_of(tmp_path, "0001", "0002"), "speedup")
    assert set(speedups["verdict"]) == {"higher speedup"}
    assert speedups["ratio"].to_numpy() == pytest.approx(1.9)
    assert f"{len(speedups)} of " in stdout


def test_two_passes_each_let_times_be_compared(
    tiny_run_data: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save(steady(tiny_run_data, passes=2, spread=0.01), tmp_path, 1)
    save(steady(tiny_run_data, factor=1.5, passes=2, spread=0.01), tmp_path, 2)
    code, _, _ = compare_cli(capsys, tmp_path, "0001", "0002")
    assert code == 0
    times = of(table_of(tmp_path, "0001", "0002"), "time")
    assert set(times["verdict"]) == {"slower"}
    assert (times["ci_low"] > 1.0).all()
    assert set(times["base_passes"]) == {2}


@pytest.mark.parametrize(("limit", "code"), [("10%", 1), ("0.1", 1), ("60%", 0)])
def test_fail_on_regression(
    limit: str, code: int, tiny_run_data: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save(steady(tiny_run_data, passes=2), tmp_path, 1)
    save(steady(tiny_run_data, factor=1.5, passes=2), tmp_path, 2)
    got, stdout, _ = compare_cli(capsys, tmp_path, "0001", "0002", "--fail-on-regression", limit)
    assert got == code
    assert ("REGRESSION" in stdout) == (code == 1)


def test_one_pass_is_never_a_regression_of_round_times(
    cpu_bound: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save(steady(cpu_bound), tmp_path, 1)
    save(steady(cpu_bound, factor=1.5), tmp_path, 2)
    code, _, _ = compare_cli(capsys, tmp_path, "0001", "0002", "--fail-on-regression", "0")
    assert code == 0


def test_a_faster_run_is_no_regression(
    tiny_run_data: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save(steady(tiny_run_data, passes=2), tmp_path, 1)
    save(steady(tiny_run_data, factor=0.5, passes=2), tmp_path, 2)
    code, _, _ = compare_cli(capsys, tmp_path, "0001", "0002", "--fail-on-regression", "0")
    assert code == 0
    assert set(of(table_of(tmp_path, "0001", "0002"), "time")["verdict"]) == {"faster"}


def test_cases_in_one_run_only_are_listed(
    base: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = copy.deepcopy(base)
    dropped = other["benchmarks"].pop(0)["params"]
    added = copy.deepcopy(other["benchmarks"][0])
    added["params"]["workers"] = 99  # a case the first run does not have
    other["benchmarks"].append(added)
    save(base, tmp_path, 1)
    save(other, tmp_path, 2)
    code, stdout, _ = compare_cli(capsys, tmp_path, "0001", "0002")
    assert code == 0
    frame = of(table_of(tmp_path, "0001", "0002"), "time")
    assert len(frame) == len(base["benchmarks"]) + 1
    gone = frame[
        (frame["executor"] == dropped["executor"])
        & (frame["workers"] == dropped["workers"])
        & (frame["workload"] == dropped["workload"])
    ]
    assert list(gone["verdict"]) == ["not in 0002"]
    assert list(frame[frame["workers"] == 99]["verdict"]) == ["not in 0001"]
    assert "not in both runs" in stdout


def test_unstable_cases_partial_runs_and_different_machines_are_marked(
    base: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = copy.deepcopy(base)
    other["benchmarks"][0]["extra_info"]["unstable"] = ["rounds vary by 9% (CV over 5%)"]
    other["machine_info"]["bench"].update(python_version="3.14.0", gil_enabled=False, free_threaded_build=True)
    other["machine_info"]["bench_run"]["partial"] = True
    save(base, tmp_path, 1)
    save(other, tmp_path, 2)
    code, stdout, _ = compare_cli(capsys, tmp_path, "0001", "0002")
    assert code == 0
    frame = table_of(tmp_path, "0001", "0002")
    first = other["benchmarks"][0]["params"]
    flagged = frame[frame["unstable"]]
    assert set(zip(flagged["workload"], flagged["executor"], flagged["workers"], strict=True)) == {
        (first["workload"], first["executor"], first["workers"])
    }
    assert stdout.count("[unstable]") == len(flagged)
    assert "[PARTIAL RUN]" in stdout
    python = base["machine_info"]["bench"]["python_version"]
    assert f"python_version: 0001 {python}, 0002 3.14.0" in stdout
    assert "gil_enabled: 0001 True, 0002 False" in stdout
    assert "free_threaded_build: 0001 False, 0002 True" in stdout
    assert "usable_cores" not in stdout.split("differ")[1].split("Medians")[0]


def test_passes_are_pooled(base: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    save(base, tmp_path, 1)
    save(steady(base, passes=2), tmp_path, 2)
    code, _, _ = compare_cli(capsys, tmp_path, "0001", "0002")
    assert code == 0
    frame = of(table_of(tmp_path, "0001", "0002"), "time")
    assert len(frame) == len(
        {(e["params"]["workload"], e["params"]["executor"], e["params"]["workers"]) for e in base["benchmarks"]}
    )
    assert set(frame["other_passes"]) == {2} and set(frame["base_passes"]) == {1}
    assert set(frame["verdict"]) == {quantities.SAME}


def test_three_runs(tiny_run_data: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for number, factor in ((1, 1.0), (2, 1.5), (3, 0.5)):
        save(steady(tiny_run_data, factor, passes=2), tmp_path, number)
    code, stdout, _ = compare_cli(capsys, tmp_path, "1", "2", "3", "--fail-on-regression", "10%")
    assert code == 1
    times = of(table_of(tmp_path, "0001", "0002", "0003"), "time")
    assert set(times[times["pair"] == "0002/0001"]["verdict"]) == {"slower"}
    assert set(times[times["pair"] == "0003/0001"]["verdict"]) == {"faster"}
    assert "0003/0001" in stdout


def test_runs_of_several_interpreters_match_interpreter_by_interpreter(
    base: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Cases of a --python run carry their interpreter's label: 3.13's are compared with 3.13's only."""

    def labelled(data: dict[str, Any], labels: tuple[str, ...], factors: tuple[float, ...]) -> dict[str, Any]:
        out = copy.deepcopy(data)
        out["benchmarks"] = []
        for label, factor in zip(labels, factors, strict=True):
            for entry in steady(data, factor=factor, passes=2)["benchmarks"]:
                entry["params"]["python"] = label
                out["benchmarks"].append(entry)
        return out

    save(labelled(base, ("3.11", "3.13"), (1.0, 2.0)), tmp_path, 1)
    save(labelled(base, ("3.11", "3.13"), (1.0, 2.0)), tmp_path, 2)
    code, stdout, _ = compare_cli(capsys, tmp_path, "0001", "0002")
    assert code == 0
    times = of(table_of(tmp_path, "0001", "0002"), "time")
    assert set(times["python"]) == {"3.11", "3.13"}
    assert set(times["verdict"]) == {quantities.SAME}
    assert "python" in stdout


# ---- bad input: one ERROR line, exit 2, nothing written ---------------------------------------------------------


def _write(path: Path, content: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    return str(path)


def _run(data: dict[str, Any], tmp_path: Path, number: int, folder: str = "machine_gil") -> str:
    return str(save(data, tmp_path, number, folder))


def more_workers(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of a run whose cases all have other worker counts: none matches a case of ``data``."""
    data = copy.deepcopy(data)
    for entry in data["benchmarks"]:
        entry["params"]["workers"] += 1000
    return data


BAD_INPUTS = {
    "missing file": lambda base, d: [_run(base, d, 1), str(d / "nope.json")],
    "not JSON": lambda base, d: [_run(base, d, 1), _write(d / "0002_x.json", "{not json")],
    "not a run": lambda base, d: [_run(base, d, 1), _write(d / "0002_x.json", json.dumps({"a": 1}))],
    "pytest-benchmark only": lambda base, d: [
        _run(base, d, 1),
        _write(d / "0002_x.json", json.dumps({"benchmarks": [], "machine_info": {"node": "x"}})),
    ],
    "newer format": lambda base, d: [
        _run(base, d, 1),
        _run({**base, "machine_info": {**base["machine_info"], "bench": {"format_version": 999}}}, d, 2),
    ],
    "unknown number": lambda base, d: [_run(base, d, 1), "0042"],
    "ambiguous number": lambda base, d: [_run(base, d, 1, "a"), _run(base, d, 1, "b"), "0001"],
    "one run": lambda base, d: [_run(base, d, 1)],
    "no run": lambda base, d: [],
    "no cases in common": lambda base, d: [_run(base, d, 1), _run(more_workers(base), d, 2)],
    "a run with no cases": lambda base, d: [_run(base, d, 1), _run({**base, "benchmarks": []}, d, 2)],
    "bad threshold": lambda base, d: [_run(base, d, 1), _run(base, d, 2), "--fail-on-regression", "lots"],
    "unknown option": lambda base, d: [_run(base, d, 1), _run(base, d, 2), "--frobnicate"],
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input(case: str, base: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = BAD_INPUTS[case](base, tmp_path)
    code, stdout, stderr = compare_cli(capsys, tmp_path, *args)
    assert code == cli.EXIT_BAD_INPUT
    assert stderr.startswith("ERROR: ") and stderr.count("\n") == 1, stderr
    assert stdout == ""
    assert not (tmp_path / "reports").exists()


def test_bad_input_from_the_command_line(base: dict[str, Any], tmp_path: Path) -> None:
    """As a user sees it: one line on stderr, no traceback, exit 2, no report folder."""
    results_dir, out = tmp_path / "results", tmp_path / "reports"
    done = run_bench("compare", _run(base, tmp_path, 1), "0042", "--results", str(results_dir), "--out", str(out))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"ERROR: no saved run numbered 0042 under {results_dir}/"]
    assert not (tmp_path / "reports").exists()
