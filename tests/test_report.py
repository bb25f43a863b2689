"""bench.analysis.report and its figures: the report of one run, its figures inspected as Figure objects, not pixels."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from matplotlib.figure import Figure

from bench import FORMAT_VERSION, cli, machine, results
from bench.analysis import report, table
from bench.analysis.figures import heatmap, timed
from bench.analysis.report import catalogue, tables
from bench.analysis.table import Facts
from bench.errors import UserError

ROOT = Path(__file__).resolve().parents[1]
#: Saved in format 1, before the workloads' facts were saved: kept as the oldest runs users may hold.
REFERENCE_16_CORES = ROOT / "results" / "reference" / "reference-16-cores.json"
FIGURE_FILES = {"verdict.png", "scaling.png", "cpu_per_core-cpu.png", "effective_cores.png", "http.png", "pipeline.png"}
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
    return table.cases(copy.deepcopy(data))


def labels(fig: Figure) -> list[list[str]]:
    return [[str(line.get_label()) for line in ax.get_lines()] for ax in fig.axes]


def caption(fig: Figure) -> str:
    return fig.texts[-1].get_text()


@pytest.fixture(scope="module")
def facts(tiny_run_data: dict[str, Any]) -> Facts:
    return Facts.of(tiny_run_data)


@pytest.fixture(scope="module")
def executors(tiny_run_data: dict[str, Any]) -> set[str]:
    return {entry["params"]["executor"] for entry in tiny_run_data["benchmarks"]}


# ---- the figures -------------------------------------------------------------------------------------------------


def test_scaling_figure(tiny_run_data: dict[str, Any], facts: Facts, executors: set[str]) -> None:
    fig = timed.scaling_figure(frame_of(tiny_run_data), facts)
    assert fig is not None
    titles = [ax.get_title() for ax in fig.axes]
    assert [t.split("\n")[0] for t in titles] == ["cpu", "pipeline"]  # http is judged against its ideal
    assert all("paired" in title for title in titles)
    for ax, names in zip(fig.axes, labels(fig), strict=True):
        assert executors <= set(names)
        assert any(name.startswith("ideal") for name in names)
        assert ax.get_xlabel().startswith("workers") and "speedup" in ax.get_ylabel()
    assert any("usable cores" in name for name in labels(fig)[0])
    assert machine.describe(facts.machine) in caption(fig)
    assert "paired" in caption(fig)


def test_cpu_per_core_figure(tiny_run_data: dict[str, Any], facts: Facts, executors: set[str]) -> None:
    fig = heatmap.cpu_per_core_figure(frame_of(with_timelines(tiny_run_data)), facts, "cpu")
    assert fig is not None
    *panels, colorbar = fig.axes
    assert len(panels) == len(executors)  # sequential for reference, then every other at the largest count
    titles = [ax.get_title(loc="left") for ax in panels]
    assert titles[0].startswith("sequential (1 worker)")
    assert all("effective cores" in title for title in titles)
    assert colorbar.get_ylabel() == "CPU busy (%)"
    assert panels[0].collections[0].get_clim() == (0, 100)
    assert "2 workers" in str(fig.get_suptitle())


def test_cpu_per_core_figure_needs_samples(tiny_run_data: dict[str, Any], facts: Facts) -> None:
    data = copy.deepcopy(tiny_run_data)
    for entry in data["benchmarks"]:
        entry["extra_info"]["timeline"] = {"t_s": [], "per_core_pct": []}
    assert heatmap.cpu_per_core_figure(frame_of(data), facts, "cpu") is None


def test_effective_cores_figure(tiny_run_data: dict[str, Any], facts: Facts, executors: set[str]) -> None:
    fig = timed.effective_cores_figure(frame_of(tiny_run_data), facts)
    assert fig is not None
    assert len(fig.axes) == 3
    for ax in fig.axes:
        assert len(ax.containers) == len(executors)  # one bar series per executor
        assert ax.get_ylabel() == "effective cores"
        assert any("usable cores" in str(line.get_label()) for line in ax.get_lines())


def test_against_ideal_figure(tiny_run_data: dict[str, Any], facts: Facts, executors: set[str]) -> None:
    fig = timed.against_ideal_figure(frame_of(tiny_run_data), facts, "http")
    assert fig is not None
    throughput, _, latency = fig.axes
    assert throughput.get_ylabel() == "requests/s" and throughput.get_xscale() == "log"
    assert set(labels(fig)[0]) == executors
    assert "ideal" in labels(fig)[1]
    assert latency.get_ylabel() == "latency (ms)"
    assert len(latency.get_lines()) == 2 * len(executors)  # p50 and p99


def test_throughput_figure(tiny_run_data: dict[str, Any], facts: Facts, executors: set[str]) -> None:
    fig = timed.throughput_figure(frame_of(tiny_run_data), facts, "pipeline")
    assert fig is not None
    (ax,) = fig.axes
    assert ax.get_ylabel() == "items/s"
    assert set(labels(fig)[0]) == (executors - {"sequential"}) | {"sequential (1 worker)"}


def test_no_figure_without_its_data(tiny_run_data: dict[str, Any], facts: Facts) -> None:
    """An empty run draws nothing, and each figure says why it is missing."""
    specs = catalogue.specs(frame_of(only(tiny_run_data)), facts)
    assert [spec.name for spec in specs] == ["scaling", "effective_cores"]
    assert all(spec.build() is None and spec.absent for spec in specs)
    frame = frame_of(tiny_run_data)
    assert timed.throughput_figure(frame[frame["workload"] == "http"], facts, "pipeline") is None


def test_which_figures_come_from_the_workloads_facts(tiny_run_data: dict[str, Any], facts: Facts) -> None:
    """Figures follow what each workload says of itself, not its name: a renamed workload is drawn alike."""
    names = [spec.name for spec in catalogue.specs(frame_of(tiny_run_data), facts)]
    assert names == ["scaling", "cpu_per_core-cpu", "effective_cores", "http", "pipeline"]
    data = copy.deepcopy(tiny_run_data)
    for entry in data["benchmarks"]:
        entry["params"]["workload"] = {"cpu": "count", "http": "fetch", "pipeline": "baozi"}[
            entry["params"]["workload"]
        ]
    described = data["machine_info"]["bench_run"]["workloads"]
    for old, new in (("cpu", "count"), ("http", "fetch"), ("pipeline", "baozi")):
        described[new] = described.pop(old)
    renamed = [spec.name for spec in catalogue.specs(table.cases(data), Facts.of(data))]
    assert renamed == ["scaling", "cpu_per_core-count", "effective_cores", "fetch", "baozi"]


def test_panel_titles_are_words_that_fit(tiny_run_data: dict[str, Any], facts: Facts) -> None:
    """A panel's title is the workload's description in words, wrapped, never a parameter dump."""
    fig = timed.throughput_figure(frame_of(tiny_run_data), facts, "pipeline")
    assert fig is not None
    title = fig.axes[0].get_title()
    assert "producers = consumers = workers" in title and "consumers=0" not in title
    assert all(len(line) <= 60 for line in title.splitlines())


# ---- write_report ------------------------------------------------------------------------------------------------


def test_report_command(tiny_run_data: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``bench report RUN --out DIR`` writes every figure and the page that shows them, verdict first."""
    run = save(with_timelines(tiny_run_data), tmp_path)
    assert cli.main(["report", str(run), "--out", str(tmp_path / "reports")]) == 0
    folder = tmp_path / "reports" / run.stem
    assert f"Report: {folder / 'index.md'}" in capsys.readouterr().out
    assert {p.name for p in folder.iterdir()} == FIGURE_FILES | {"index.md"}
    index = (folder / "index.md").read_text()
    for name in FIGURE_FILES:
        assert f"]({name})" in index
    assert machine.describe(tiny_run_data["machine_info"]["bench"]) in index
    assert "speedup (paired)" in index and "vs ideal" in index
    assert "| processes | 2 |" in index
    # The answer first: a verdict paragraph per workload, its picture the first of the page.
    assert index.index("## Verdict") < index.index("## Figures")
    for workload in ("cpu", "http", "pipeline"):
        assert f"\n- **{workload}** (" in index.split("## Figures")[0]
    assert index.index("![") == index.index("![The verdict at a glance](verdict.png)")


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
    assert {p.name for p in folder.iterdir()} == {
        "verdict.png",
        "scaling.png",
        "cpu_per_core-cpu.png",
        "effective_cores.png",
        "index.md",
    }
    index = (folder / "index.md").read_text()
    assert "**Partial run**" in index
    assert "`cpu-gevent-w2`: Timeout: stuck" in index and "more" not in index
    assert "sequential runs at workers=1 only: `cpu-sequential-w2`" in index
    assert "rounds vary by 9% (CV over 5%)" in index
    assert "### http" not in index  # a workload the run does not hold has no figure to miss


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


def test_a_reference_run_of_the_previous_format_still_reports(tmp_path: Path) -> None:
    """Runs saved in format 1 (the committed 16-core reference run) load, migrate and report like new ones."""
    run = results.load_run(REFERENCE_16_CORES)
    assert run["machine_info"]["bench"]["migrated_from"] == 1
    assert run["machine_info"]["bench_run"]["workloads"]["http"]["judged_by"] == "ideal"
    folder = report.write_report(REFERENCE_16_CORES, tmp_path)
    assert {p.name for p in folder.iterdir()} == FIGURE_FILES | {"index.md"}


def test_a_run_of_format_2_loads_as_the_current_format(tiny_run_data: dict[str, Any], tmp_path: Path) -> None:
    """Format 2 had no interpreters of its own: it loads as a run of the harness's interpreter alone."""
    data = copy.deepcopy(tiny_run_data)
    data["machine_info"]["bench"]["format_version"] = 2
    data["machine_info"]["bench_run"].pop("pythons", None)
    for entry in data["benchmarks"]:
        for key in ("effective_cores_rounds", "ratio_cv", "warmup_settled", "gil_enabled", "gil_expected"):
            entry["extra_info"].pop(key, None)
    run = results.load_run(save(data, tmp_path))
    assert run["machine_info"]["bench"]["format_version"] == FORMAT_VERSION
    assert run["machine_info"]["bench"]["migrated_from"] == 2
    assert run["machine_info"]["bench_run"]["pythons"] == []
    frame = table.cases(run)
    assert set(frame["python"]) == {""}
    assert all(len(cores) == 1 for cores in frame["cores_by_pass"] if cores)  # one figure per pass, not per round


def test_report_of_a_run_without_our_extra_info(tiny_run_data: dict[str, Any], tmp_path: Path) -> None:
    """An older or stripped run: only pytest-benchmark's stats. Whatever can be drawn is, without a warning."""
    data = copy.deepcopy(tiny_run_data)
    for entry in data["benchmarks"]:
        entry["extra_info"] = {}
    folder = report.write_report(save(data, tmp_path), tmp_path / "reports")
    assert {p.name for p in folder.iterdir()} == {"index.md", "verdict.png", "scaling.png"}
    assert "ratio of medians" in (folder / "index.md").read_text()


def test_memory_section_fits_a_slope_per_executor(tiny_run_data: dict[str, Any]) -> None:
    """Memory per added unit is a slope over worker counts, one row per workload and executor that has two."""
    lines = tables.memory_section(table.cases(tiny_run_data))
    assert lines[0] == "## Memory per unit"
    rows = [line for line in lines if line.startswith("| cpu |")]
    executors = {row.split("|")[2].strip() for row in rows}
    assert {"threads", "processes", "gevent", "asyncio"} <= executors  # sequential runs at one count only
    for row in rows:
        cost = row.split("|")[4].strip()
        assert cost == "under the noise" or float(cost.replace(",", "")) > 0  # a number of KiB, or said unmeasurable


def test_startup_section_fits_a_slope_per_executor(tiny_run_data: dict[str, Any]) -> None:
    """Start-up per added unit is a slope of startup_s over worker counts, in milliseconds, like memory's."""
    frame = table.cases(tiny_run_data)
    lines = tables.startup_section(frame)
    assert lines[0] == "## Start-up per unit"
    rows = {row.split("|")[2].strip(): row.split("|") for row in lines if row.startswith("| cpu |")}
    assert {"threads", "processes"} <= set(rows)
    threads = frame[(frame["workload"] == "cpu") & (frame["executor"] == "threads")].sort_values("units")
    slope = (threads["startup_s"].iloc[-1] - threads["startup_s"].iloc[0]) / (
        threads["units"].iloc[-1] - threads["units"].iloc[0]
    )
    assert float(rows["threads"][4].replace(",", "")) == pytest.approx(slope * 1e3, abs=0.006)  # two points: exact


def test_report_to_an_unwritable_place_is_one_error_line(
    tiny_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert cli.main(["report", str(tiny_run), "--out", str(blocker)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("ERROR: cannot write the report") and error.count("\n") == 1


def test_duels_and_redone_rounds_are_in_the_report(tiny_run_data: dict[str, Any], tmp_path: Path) -> None:
    """A run's duels get a table and a figure beside the verdict; its redone rounds are counted and listed."""
    data = copy.deepcopy(tiny_run_data)
    cpu = [entry for entry in data["benchmarks"] if entry["params"]["workload"] == "cpu"]
    threads, processes = (next(e for e in cpu if e["params"]["executor"] == name) for name in ("threads", "processes"))
    sides = [{key: e["params"][key] for key in ("executor", "workers")} | {"python": ""} for e in (processes, threads)]
    data["machine_info"]["bench_run"]["duels"] = [
        {
            "workload": "cpu",
            "params": {},
            "a": sides[0],
            "b": sides[1],
            "why": "leaders",
            "ratios": [1.5, 1.45, 1.55, 1.56, 1.5, 1.52],
            "basis": "paired",
            "ratio": 1.5,
            "low": 1.45,
            "high": 1.56,
            "outcome": "a",
            "pairs": 6,
            "seconds": 3.0,
            "margin": 0.05,
            "redone": [],
        }
    ]
    threads["extra_info"]["rounds_redone"] = [{"round": 2, "foreign_cores": 0.7, "waited_s": 1.2, "quiet": True}]
    folder = report.write_report(save(data, tmp_path), tmp_path / "reports")
    text = (folder / "index.md").read_text()
    assert (folder / "duels.png").exists() and "![Duels: contested leaders head to head](duels.png)" in text
    duels = text[text.index("## Duels") : text.index("## Figures")]
    assert f"| cpu | processes w{sides[0]['workers']} | threads w{sides[1]['workers']} | leaders not told apart |" in (
        duels
    )
    assert "| paired | 1.500 [1.450-1.560] | 6 | A faster |" in duels
    measuring = text[text.index("## How the cases were measured") :]
    assert "; 1 round redone because other programs were busy while they ran; 0 cases kept loaded" in measuring
    assert f"| cpu | threads | {threads['params']['workers']} |" in measuring
