"""bench.cli.aa: the A/A check counts compare's verdicts between runs of the same code, with an honest interval."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import run_bench, steady

from bench import results, stats
from bench.analysis import compare
from bench.cli import aa


def compared_pair(tmp: Path, first: dict[str, Any], second: dict[str, Any], number: int) -> pd.DataFrame:
    paths = []
    for index, data in enumerate((first, second)):
        path = tmp / f"{2 * number + index + 1:04d}_x_20260101_000000.json"
        results.write_json_atomic(path, data)
        paths.append(str(path))
    return compare.table(compare.load(paths, tmp))


def test_wilson_interval() -> None:
    low, high = aa.wilson(0, 52)
    assert low == 0.0 and 0.05 < high < 0.08  # 0 of 52 cannot show a rate under 5%
    low, high = aa.wilson(7, 52)
    assert low < 7 / 52 < high
    assert aa.wilson(0, 400)[1] < 0.05


def test_identical_runs_give_no_false_positive(tiny_run_data: dict[str, Any], tmp_path: Path) -> None:
    frames = [compared_pair(tmp_path, steady(tiny_run_data), steady(tiny_run_data), n) for n in range(2)]
    rows = aa.tally(frames)
    assert set(rows["aa_pair"]) == {1, 2}
    assert not rows["significant"].any()
    lines = aa.summary(rows)
    assert lines[0].startswith(f"all compared figures: 0 of {len(rows)} called changed: false-positive rate 0.0%")
    assert "Called changed" not in "\n".join(lines)


def test_every_figure_called_changed_is_counted_and_listed(tiny_run_data: dict[str, Any], tmp_path: Path) -> None:
    """Runs that do differ (1.5x slower, two passes each) are all false positives for an A/A check: counted."""
    slow = steady(tiny_run_data, factor=1.5, passes=2)
    rows = aa.tally([compared_pair(tmp_path, steady(tiny_run_data, passes=2), slow, 0)])
    times = rows[rows["basis"] == compare.DRIFT_BASIS]
    assert times["significant"].all()
    text = "\n".join(aa.summary(rows))
    assert f"round times: {len(times)} of {len(times)} called changed: false-positive rate 100.0%" in text
    assert f"{stats.NOT_MET}" in text and "Called changed (false positives):" in text


@pytest.mark.slow
def test_the_check_end_to_end_at_tiny_sizes(tmp_path: Path) -> None:
    tiny = ["--workloads", "cpu", "--executors", "sequential,threads", "--workers", "1", "--cpu-n", "20000"]
    tiny += ["--rounds", "3", "--max-rounds", "3", "--warmup-seconds", "0s", "--warmup-limit", "0s"]
    tiny += ["--load-limit", "0", "--no-duels"]
    done = run_bench("selfcheck", "--aa", "1", "--out", str(tmp_path), "--", *tiny)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (folder,) = tmp_path.glob("aa_*")
    assert len(results.saved_runs(folder / "results")) == 2
    rows = pd.read_csv(folder / "aa.csv")
    assert len(rows) > 0 and set(rows["aa_pair"]) == {1}
    assert "all compared figures:" in done.stdout and "false-positive rate" in done.stdout
    assert "A/A target: clean in at least 95%" in done.stdout


def test_bad_run_options_are_one_line(tmp_path: Path) -> None:
    done = run_bench("selfcheck", "--aa", "1", "--out", str(tmp_path), "--", "--workloads", "nope")
    assert done.returncode == 2
    assert done.stderr.startswith("ERROR: argument --workloads: unknown workload 'nope'")
    assert len(done.stderr.strip().splitlines()) == 1
    assert not any(tmp_path.iterdir())  # nothing written
