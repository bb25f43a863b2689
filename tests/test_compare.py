"""bench.compare: matching, ratios, bootstrap verdicts, regressions, and every bad input as one ERROR line."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import run_bench

from bench import cli, results
from bench.analysis import compare

#: Round times as multiples of a case's median: steady enough that a x1.5 change is always significant.
STEADY = (0.99, 1.0, 1.01, 0.995, 1.005, 1.0)


def steady(data: dict[str, Any], factor: float = 1.0) -> dict[str, Any]:
    """A copy of a run whose every case has low-noise rounds around ``factor`` x its median."""
    data = copy.deepcopy(data)
    for entry in data["benchmarks"]:
        median = entry["stats"]["median"] * factor
        entry["stats"].update(data=[median * k for k in STEADY], median=median)
        entry["extra_info"]["unstable"] = []
    return data


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
    return pd.read_csv(tmp / "reports" / f"compare_{'_'.join(labels)}" / "compare.csv")


@pytest.fixture
def base(tiny_run_data: dict[str, Any]) -> dict[str, Any]:
    return steady(tiny_run_data)


# ---- units ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [("10%", 0.1), ("0.1", 0.1), ("0", 0.0), ("12.5%", 0.125)])
def test_threshold(text: str, value: float) -> None:
    assert compare.threshold(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["abc", "-5%", "nan", "%", "inf"])
def test_bad_threshold(text: str) -> None:
    with pytest.raises(Exception, match="fraction"):
        compare.threshold(text)


def test_bootstrap_is_seeded_and_brackets_the_ratio() -> None:
    base = pd.Series([1.0, 1.1, 0.9, 1.05, 0.95]).to_numpy()
    assert compare.bootstrap_ratio(base, base * 2) == compare.bootstrap_ratio(base, base * 2)
    low, high = compare.bootstrap_ratio(base, base * 2)
    assert low < 2.0 < high and low > 1.0
    assert compare.verdict(low, high) == compare.SLOWER
    assert compare.verdict(0.5, 0.9) == compare.FASTER
    assert compare.verdict(0.9, 1.1) == compare.SAME


def test_labels_are_run_numbers_made_unique() -> None:
    paths = [Path("a/0001_x_y.json"), Path("b/0001_x_y.json"), Path("my run.json")]
    assert compare.labels(paths) == ["0001-1", "0001-2", "my-run"]


# ---- the command --------------------------------------------------------------------------------------------------


def test_slower_run(base: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    save(base, tmp_path, 1)
    save(steady(base, 1.5), tmp_path, 2)
    code, stdout, stderr = compare_cli(capsys, tmp_path, "0001", "0002")
    assert (code, stderr) == (0, "")
    frame = table_of(tmp_path, "0001", "0002")
    assert len(frame) == len(base["benchmarks"])
    assert frame["ratio 0002/0001"].to_numpy() == pytest.approx(1.5)
    assert (frame["ci_low 0002/0001"] > 1.0).all()
    assert set(frame["verdict 0002/0001"]) == {"slower"}
    assert (tmp_path / "reports" / "compare_0001_0002" / "compare.png").stat().st_size > 0
    assert f"{len(frame)} slower, 0 faster, 0 no significant change" in stdout
    assert "Same usable_cores" in stdout


def test_identical_runs(base: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    save(base, tmp_path, 1)
    save(base, tmp_path, 2)
    code, _, _ = compare_cli(capsys, tmp_path, "1", "2", "--fail-on-regression", "0%")
    assert code == 0
    frame = table_of(tmp_path, "0001", "0002")
    assert frame["ratio 0002/0001"].to_numpy() == pytest.approx(1.0)
    assert ((frame["ci_low 0002/0001"] <= 1.0) & (frame["ci_high 0002/0001"] >= 1.0)).all()
    assert set(frame["verdict 0002/0001"]) == {"no significant change"}


def test_the_tiny_run_against_itself(tiny_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = compare_cli(capsys, tmp_path, str(tiny_run), str(tiny_run))
    assert code == 0
    labels = compare.labels([tiny_run, tiny_run])
    assert set(table_of(tmp_path, *labels)[f"verdict {labels[1]}/{labels[0]}"]) == {"no significant change"}
    assert ": 0 slower, 0 faster, " in stdout


@pytest.mark.parametrize(("limit", "code"), [("10%", 1), ("0.1", 1), ("60%", 0)])
def test_fail_on_regression(
    limit: str, code: int, base: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save(base, tmp_path, 1)
    save(steady(base, 1.5), tmp_path, 2)
    got, stdout, _ = compare_cli(capsys, tmp_path, "0001", "0002", "--fail-on-regression", limit)
    assert got == code
    assert ("REGRESSION" in stdout) == (code == 1)


def test_a_faster_run_is_no_regression(
    base: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save(base, tmp_path, 1)
    save(steady(base, 0.5), tmp_path, 2)
    code, _, _ = compare_cli(capsys, tmp_path, "0001", "0002", "--fail-on-regression", "0")
    assert code == 0
    assert set(table_of(tmp_path, "0001", "0002")["verdict 0002/0001"]) == {"faster"}


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
    frame = table_of(tmp_path, "0001", "0002")
    assert len(frame) == len(base["benchmarks"]) + 1
    gone = frame[
        (frame["executor"] == dropped["executor"])
        & (frame["workers"] == dropped["workers"])
        & (frame["workload"] == dropped["workload"])
    ]
    assert list(gone["verdict 0002/0001"]) == ["not in 0002"]
    assert list(frame[frame["workers"] == 99]["verdict 0002/0001"]) == ["not in 0001"]
    assert "2 case(s) not in both runs" in stdout


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
    assert frame["unstable 0002/0001"].sum() == 1
    assert stdout.count("[unstable]") == 1
    assert "[PARTIAL RUN]" in stdout
    python = base["machine_info"]["bench"]["python_version"]
    assert f"python_version: 0001 {python}, 0002 3.14.0" in stdout
    assert "gil_enabled: 0001 True, 0002 False" in stdout
    assert "free_threaded_build: 0001 False, 0002 True" in stdout
    assert "usable_cores" not in stdout.split("differ")[1].split("Medians")[0]


def test_passes_are_pooled(base: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    two_passes = copy.deepcopy(base)
    for entry in base["benchmarks"]:
        again = copy.deepcopy(entry)
        again["params"]["pass"] = 1
        two_passes["benchmarks"].append(again)
    save(base, tmp_path, 1)
    save(two_passes, tmp_path, 2)
    code, _, _ = compare_cli(capsys, tmp_path, "0001", "0002")
    assert code == 0
    frame = table_of(tmp_path, "0001", "0002")
    assert len(frame) == len(base["benchmarks"])
    assert set(frame["verdict 0002/0001"]) == {"no significant change"}


def test_three_runs(base: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for number, factor in ((1, 1.0), (2, 1.5), (3, 0.5)):
        save(steady(base, factor), tmp_path, number)
    code, stdout, _ = compare_cli(capsys, tmp_path, "1", "2", "3", "--fail-on-regression", "10%")
    assert code == 1
    frame = table_of(tmp_path, "0001", "0002", "0003")
    assert set(frame["verdict 0002/0001"]) == {"slower"} and set(frame["verdict 0003/0001"]) == {"faster"}
    assert "verdict 0003/0001" in stdout


def test_too_few_rounds_is_not_a_verdict(
    base: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    short = steady(base, 2.0)
    for entry in short["benchmarks"]:
        entry["stats"]["data"] = entry["stats"]["data"][:2]
    save(base, tmp_path, 1)
    save(short, tmp_path, 2)
    code, _, _ = compare_cli(capsys, tmp_path, "0001", "0002", "--fail-on-regression", "0")
    assert code == 0
    frame = table_of(tmp_path, "0001", "0002")
    assert frame["verdict 0002/0001"].str.startswith("too few rounds").all()
    assert frame["ratio 0002/0001"].to_numpy() == pytest.approx(2.0 * 0.995)  # the median of the first two rounds


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
