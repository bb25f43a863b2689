"""bench.report and bench.plots: the report of one run, its figures inspected as Figure objects, not pixels."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import run_bench
from matplotlib.figure import Figure

from bench import machine, plots, report, results
from bench.errors import UserError

FIGURE_FILES = {f"{name}.png" for name in plots.FIGURES}
#: A timeline where one core at a time is busy: what threads under the GIL look like.
TIMELINE = {"t_s": [0.01, 0.02, 0.03, 0.04], "per_core_pct": [[100, 0], [0, 100], [100, 0], [0, 100]]}


def save(data: dict[str, Any], folder: Path, name: str = "0001_test_20260101_000000.json") -> Path:
    path = folder / name
    results.write_json_atomic(path, data)
    return path


def with_timelines(data: dict[str, Any]) -> dict[str, Any]:
    """A copy whose cpu cases all have per-core samples (tiny rounds may be too short to get any)."""
    data = copy.deepcopy(data)
    for entry in data["benchmarks"]:
        if entry["params"]["workload"] == "cpu":
            entry["extra_info"]["timeline"] = copy.deepcopy(TIMELINE)
            entry["extra_info"].setdefault("effective_cores", 1.0)
    return data


def only(data: dict[str, Any], *workloads: str) -> dict[str, Any]:
    data = copy.deepcopy(data)
    data["benchmarks"] = [e for e in data["benchmarks"] if e["params"]["workload"] in workloads]
    return data


def frame_of(data: dict[str, Any]) -> Any:
    return report.cases(copy.deepcopy(data))


def labels(fig: Figure) -> list[list[str]]:
    return [[str(line.get_label()) for line in ax.get_lines()] for ax in fig.axes]


def caption(fig: Figure) -> str:
    return fig.texts[-1].get_text()


@pytest.fixture(scope="module")
def facts(tiny_run_data: dict[str, Any]) -> dict[str, Any]:
    bench: dict[str, Any] = tiny_run_data["machine_info"]["bench"]
    return bench


@pytest.fixture(scope="module")
def executors(tiny_run_data: dict[str, Any]) -> set[str]:
    return {entry["params"]["executor"] for entry in tiny_run_data["benchmarks"]}


# ---- the case frame ---------------------------------------------------------------------------------------------


def test_workload_params_leave_out_the_case_and_the_pass() -> None:
    params = {"workload": "cpu", "executor": "threads", "workers": 2, "tasks": 0, "n": 10, "pass": 1}
    assert report.workload_params(params) == "n=10, tasks=0"


def test_cases_pool_passes(tiny_run_data: dict[str, Any]) -> None:
    data = only(tiny_run_data, "cpu")
    first = next(e for e in data["benchmarks"] if e["params"]["executor"] == "threads")
    second = copy.deepcopy(first)
    second["params"]["pass"] = 1
    second["stats"]["median"] = first["stats"]["median"] * 3
    first["extra_info"]["unstable"], second["extra_info"]["unstable"] = ["noisy"], []
    data["benchmarks"].append(second)
    frame = report.cases(data)
    row = frame[(frame["executor"] == "threads") & (frame["workers"] == first["params"]["workers"])].iloc[0]
    assert len(frame) == len(data["benchmarks"]) - 1
    assert row["passes"] == 2
    assert row["median_s"] == pytest.approx(first["stats"]["median"] * 2)  # median of the two medians
    assert len(row["data"]) == 2 * len(first["stats"]["data"])
    assert row["unstable"] == ["pass 0: noisy"]


def test_cases_of_an_empty_run_is_an_empty_frame(tiny_run_data: dict[str, Any]) -> None:
    frame = report.cases(only(tiny_run_data))
    assert frame.empty
    assert set(report.KEY) <= set(frame.columns)


# ---- the figures -------------------------------------------------------------------------------------------------


def test_scaling_figure(tiny_run_data: dict[str, Any], facts: dict[str, Any], executors: set[str]) -> None:
    fig = plots.scaling_figure(frame_of(tiny_run_data), facts)
    assert fig is not None
    titles = [ax.get_title() for ax in fig.axes]
    assert [t.split("\n")[0] for t in titles] == ["cpu", "http", "pipeline"]
    assert "paired" in titles[0] and "ratio of medians" in titles[1] and "paired" in titles[2]
    for ax, names in zip(fig.axes, labels(fig), strict=True):
        assert executors <= set(names)
        assert any(name.startswith("ideal") for name in names)
        assert ax.get_xlabel().startswith("workers") and "speedup" in ax.get_ylabel()
    assert any("usable cores" in name for name in labels(fig)[0])
    assert machine.describe(facts) in caption(fig)
    assert "paired" in caption(fig)


def test_cpu_per_core_figure(tiny_run_data: dict[str, Any], facts: dict[str, Any], executors: set[str]) -> None:
    fig = plots.cpu_per_core_figure(frame_of(with_timelines(tiny_run_data)), facts)
    assert fig is not None
    *panels, colorbar = fig.axes
    assert len(panels) == len(executors)  # sequential for reference, then every other at the largest count
    titles = [ax.get_title(loc="left") for ax in panels]
    assert titles[0].startswith("sequential (1 worker)")
    assert all("effective cores" in title for title in titles)
    assert colorbar.get_ylabel() == "CPU busy (%)"
    assert panels[0].collections[0].get_clim() == (0, 100)
    assert "2 workers" in str(fig.get_suptitle())


def test_cpu_per_core_figure_needs_samples(tiny_run_data: dict[str, Any], facts: dict[str, Any]) -> None:
    data = copy.deepcopy(tiny_run_data)
    for entry in data["benchmarks"]:
        entry["extra_info"]["timeline"] = {"t_s": [], "per_core_pct": []}
    assert plots.cpu_per_core_figure(frame_of(data), facts) is None


def test_effective_cores_figure(tiny_run_data: dict[str, Any], facts: dict[str, Any], executors: set[str]) -> None:
    fig = plots.effective_cores_figure(frame_of(tiny_run_data), facts)
    assert fig is not None
    assert len(fig.axes) == 3
    for ax in fig.axes:
        assert len(ax.containers) == len(executors)  # one bar series per executor
        assert ax.get_ylabel() == "effective cores"
        assert any("usable cores" in str(line.get_label()) for line in ax.get_lines())


def test_http_figure(tiny_run_data: dict[str, Any], facts: dict[str, Any], executors: set[str]) -> None:
    fig = plots.http_figure(frame_of(tiny_run_data), facts)
    assert fig is not None
    throughput, _, latency = fig.axes
    assert throughput.get_ylabel() == "requests/s" and throughput.get_xscale() == "log"
    assert set(labels(fig)[0]) == executors
    assert "ideal" in labels(fig)[1]
    assert latency.get_ylabel() == "latency (ms)"
    assert len(latency.get_lines()) == 2 * len(executors)  # p50 and p99


def test_pipeline_figure(tiny_run_data: dict[str, Any], facts: dict[str, Any], executors: set[str]) -> None:
    fig = plots.pipeline_figure(frame_of(tiny_run_data), facts)
    assert fig is not None
    (ax,) = fig.axes
    assert ax.get_ylabel() == "items/s"
    assert set(labels(fig)[0]) == (executors - {"sequential"}) | {"sequential (1 worker)"}


@pytest.mark.parametrize("builder", list(plots.FIGURES.values()))
def test_no_figure_without_its_data(builder: plots.Builder, tiny_run_data: dict[str, Any]) -> None:
    assert builder(frame_of(only(tiny_run_data)), {}) is None


def test_http_alone_has_no_paired_speedup(tiny_run_data: dict[str, Any], facts: dict[str, Any]) -> None:
    fig = plots.scaling_figure(frame_of(only(tiny_run_data, "http")), facts)
    assert fig is not None
    assert "ratio of medians" in fig.axes[0].get_title()


# ---- write_report ------------------------------------------------------------------------------------------------


def test_write_report(tiny_run_data: dict[str, Any], tmp_path: Path) -> None:
    run = save(with_timelines(tiny_run_data), tmp_path)
    folder = report.write_report(run, tmp_path / "reports")
    assert folder == tmp_path / "reports" / run.stem
    assert {p.name for p in folder.iterdir()} == FIGURE_FILES | {"index.md"}
    index = (folder / "index.md").read_text()
    for name in FIGURE_FILES:
        assert f"]({name})" in index
    assert machine.describe(tiny_run_data["machine_info"]["bench"]) in index
    assert "speedup (paired)" in index and "speedup (ratio of medians)" in index
    assert "| processes | 2 |" in index


def test_report_of_a_partial_run(tiny_run_data: dict[str, Any], tmp_path: Path) -> None:
    data = with_timelines(only(tiny_run_data, "cpu"))
    data["machine_info"]["bench_run"].update(
        partial=True,
        failed=[
            {
                "name": "cpu-gevent-w2",
                "params": {},
                "error": {"type": "Timeout", "message": "stuck\nmore", "traceback": "..."},
            }
        ],
        skipped=[{"name": "cpu-sequential-w2", "params": {}, "reason": "sequential runs at workers=1 only"}],
    )
    data["benchmarks"][1]["extra_info"]["unstable"] = ["rounds vary by 9% (CV over 5%)"]
    folder = report.write_report(save(data, tmp_path, "0002_x_y_partial.json"), tmp_path)
    assert {p.name for p in folder.iterdir()} == {"scaling.png", "cpu_per_core.png", "effective_cores.png", "index.md"}
    index = (folder / "index.md").read_text()
    assert "**Partial run**" in index
    assert "`cpu-gevent-w2`: Timeout: stuck" in index and "more" not in index
    assert "sequential runs at workers=1 only: `cpu-sequential-w2`" in index
    assert "rounds vary by 9% (CV over 5%)" in index
    assert f"Not written: {plots.ABSENT['http']}." in index
    assert f"Not written: {plots.ABSENT['pipeline']}." in index


def test_report_of_a_run_where_everything_failed(tiny_run_data: dict[str, Any], tmp_path: Path) -> None:
    data = only(tiny_run_data)
    data["machine_info"]["bench_run"]["failed"] = [{"name": "cpu-threads-w1", "params": {}, "error": {}}]
    folder = report.write_report(save(data, tmp_path), tmp_path / "reports")
    assert [p.name for p in folder.iterdir()] == ["index.md"]
    index = (folder / "index.md").read_text()
    assert "No finished cases." in index and "Failed cases: 1" in index


def test_rewriting_a_report_removes_figures_it_no_longer_has(tiny_run_data: dict[str, Any], tmp_path: Path) -> None:
    run = save(only(tiny_run_data, "cpu", "http"), tmp_path)
    assert (report.write_report(run, tmp_path / "reports") / "http.png").exists()
    save(only(tiny_run_data, "cpu"), tmp_path)
    folder = report.write_report(run, tmp_path / "reports")
    assert not (folder / "http.png").exists()


@pytest.mark.parametrize("content", ["not json", "[]", json.dumps({"benchmarks": [], "machine_info": {}})])
def test_bad_run_raises_user_error_and_writes_nothing(content: str, tmp_path: Path) -> None:
    bad = tmp_path / "0001_bad.json"
    bad.write_text(content)
    with pytest.raises(UserError):
        report.write_report(bad, tmp_path / "reports")
    assert not (tmp_path / "reports").exists()


def test_report_command(tiny_run: Path, tmp_path: Path) -> None:
    done = run_bench("report", str(tiny_run), "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / tiny_run.stem / "index.md").exists()
    assert f"Report: {tmp_path / tiny_run.stem / 'index.md'}" in done.stdout


def test_report_of_a_run_without_our_extra_info(tiny_run_data: dict[str, Any], tmp_path: Path) -> None:
    """An older or stripped run: only pytest-benchmark's stats. Whatever can be drawn is, without a warning."""
    data = copy.deepcopy(tiny_run_data)
    for entry in data["benchmarks"]:
        entry["extra_info"] = {}
    folder = report.write_report(save(data, tmp_path), tmp_path / "reports")
    assert {p.name for p in folder.iterdir()} == {"index.md", "scaling.png"}
    assert "ratio of medians" in (folder / "index.md").read_text()


def test_memory_section_fits_a_slope_per_executor(tiny_run_data: dict[str, Any]) -> None:
    """Memory per added unit is a slope over worker counts, one row per workload and executor that has two."""
    lines = report.memory_section(report.cases(tiny_run_data))
    assert lines[0] == "## Memory per unit"
    rows = [line for line in lines if line.startswith("| cpu |")]
    executors = {row.split("|")[2].strip() for row in rows}
    assert {"threads", "processes", "gevent", "asyncio"} <= executors  # sequential runs at one count only
    for row in rows:
        float(row.split("|")[4].replace(",", ""))  # a number of KiB


def test_report_to_an_unwritable_place_is_one_error_line(tiny_run: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    done = run_bench("report", str(tiny_run), "--out", str(blocker))
    assert done.returncode == 2
    assert done.stderr.startswith("ERROR: cannot write the report") and "Traceback" not in done.stderr
