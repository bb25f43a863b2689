"""The harness measures itself: selfcheck runs, and its JSON reads back like any run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_bench

from bench import stats
from bench.harness import selfcheck_targets
from bench.results import load_run


def test_selfcheck_quick_saves_every_check(tmp_path: Path) -> None:
    done = run_bench("selfcheck", "--quick", "--results", str(tmp_path), "--http-executors", "asyncio,threads")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    saved = sorted(tmp_path.rglob("selfcheck_*.json"))
    assert len(saved) == 1
    run = load_run(saved[0])
    by_check = {entry["param"]: entry for entry in run["benchmarks"]}
    assert set(by_check) == {
        "noop-roundtrip",
        "sampler-threads-on",
        "sampler-threads-off",
        "sampler-processes-on",
        "sampler-processes-off",
        "server-asyncio-w10",
        "server-threads-w10",
    }
    roundtrip = by_check["noop-roundtrip"]
    assert len(roundtrip["stats"]["data"]) == 50
    assert 0 < roundtrip["extra_info"]["median_ms"] <= roundtrip["extra_info"]["p99_ms"]
    on, off = by_check["sampler-threads-on"], by_check["sampler-threads-off"]
    assert len(on["stats"]["data"]) == len(off["stats"]["data"]) == 2
    assert on["extra_info"]["ratio_on_off"] > 0
    assert on["extra_info"]["sampler_cpu_pct"] > 0  # the sampler's own time is counted, not assumed
    server = by_check["server-asyncio-w10"]["extra_info"]
    assert server["ideal_s"] > 0 and server["vs_ideal"] > 0
    assert set(server["client_latency_ms"]) == {"p50", "p90", "p99"}
    assert set(server["server_overhead_ms"]) == {"p50", "p99"}
    assert server["server_cores"] is not None
    for line in ("no-op round trip, median ms", "sampler on/off ratio, threads w2", "server cores"):
        assert line in done.stdout
    # Two pairs give no interval: the sampler's cost is "not shown", never "met" on a point.
    assert "not shown (too few pairs" in done.stdout
    # A selfcheck file is never taken for the newest run of the matrix.
    assert json.loads(saved[0].read_text())["machine_info"]["bench_run"]["selfcheck"] is True


def test_selfcheck_bad_option_is_one_line(tmp_path: Path) -> None:
    done = run_bench("selfcheck", "--http-workers", "0", "--results", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.startswith("ERROR:") and len(done.stderr.strip().splitlines()) == 1
    assert not any(tmp_path.iterdir())


def test_selfcheck_refuses_a_results_file_before_measuring(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    done = run_bench("selfcheck", "--quick", "--results", str(blocker))
    assert done.returncode == 2
    assert "is a file, not a folder" in done.stderr and "round trip" not in done.stdout


def sampler_entry(ratio: float, ci: list[float] | None) -> dict[str, object]:
    """A sampler-on entry as check_sampler saves it (the figures only)."""
    extra = {"ratio_on_off": ratio, "ratio_ci95": ci, "pair_ratios": [ratio] * 20, "sampler_cpu_pct": 2.0}
    return {"param": "sampler-processes-on", "params": {"executor": "processes"}, "extra_info": extra}


@pytest.mark.parametrize(
    ("ratio", "ci", "verdict"),
    [
        (0.740, [0.573, 1.039], stats.NOT_SHOWN),  # the line: an interval above the target has not shown it
        (1.001, [0.990, 1.012], stats.MET),
        (1.080, [1.050, 1.110], stats.NOT_MET),
        (1.001, None, stats.NOT_SHOWN + " (too few pairs: --pairs 20)"),
    ],
)
def test_a_target_is_met_only_by_a_whole_interval(ratio: float, ci: list[float] | None, verdict: str) -> None:
    rows = selfcheck_targets.verdicts([sampler_entry(ratio, ci)])
    assert rows[0][0].startswith("sampler on/off ratio, processes w2")
    assert rows[0][4] == verdict
    assert rows[1][4] == stats.MET + " (a single value)"  # 2% of a core against a 3% target: a point, said so
    assert verdict in selfcheck_targets.text_table(rows)


def test_against_target_both_ways() -> None:
    assert stats.against_target(0.5, 0.9, 1.0) == stats.MET
    assert stats.against_target(0.9, 1.1, 1.0) == stats.NOT_SHOWN
    assert stats.against_target(1.1, 1.2, 1.0) == stats.NOT_MET
    assert stats.against_target(1.1, 1.2, 1.0, at_most=False) == stats.MET
    assert stats.against_target(0.5, 0.9, 1.0, at_most=False) == stats.NOT_MET
