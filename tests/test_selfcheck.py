"""The harness measures itself: selfcheck runs, and its JSON reads back like any run."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_bench

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
