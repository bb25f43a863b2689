"""The tutorial's systems (locks, ipc, switch, spawn, convoy, hashing) and the primitives executors offer for them.

One tiny real run of the six workloads over every executor (``systems_run``) checks that each case is verified
or skipped with its reason, that each executor measured its own kinds, and that the saved figures make a report.
Real worker processes check the lost-update accounting on a forced race and the executors' primitives across
processes; the deadlock fault mode runs end to end. Figures and tables are also checked on a made-up run.
No test asserts a speed.
"""

from __future__ import annotations

import copy
import json
import math
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from conftest import BRIEF, PROCESS_TAG, assert_none_left, run_bench, saved_run, unrunnable_reason

import workloads
import workloads.fault
import workloads.ipc
import workloads.locks
from bench import results
from bench.analysis import report, table, verdict
from bench.analysis.figures import measured
from bench.analysis.report import catalogue, tables
from bench.analysis.table import Facts
from bench.harness import config, matrix
from bench.harness.client import run_round, start_worker
from bench.harness.matrix import Case
from bench.worker import executors
from bench.worker.executors import ExecutorInfo, defaults, registry
from workloads import COUNTER, EVENT, LOCK, RLOCK, YIELD

SYSTEMS = ["hashing", "locks", "ipc", "switch", "spawn", "convoy"]
RUNNABLE = [name for name in defaults() if unrunnable_reason(name) is None]  # the tiny run's executors
#: The six over every executor, at sizes that take milliseconds.
TINY_SYSTEMS = [
    "--workloads",
    ",".join(SYSTEMS),
    "--quick",
    "--workers",
    "1,2",
    "--ipc-workers",
    "1",
    "--switch-workers",
    "1",
    "--spawn-workers",
    "1",
    *BRIEF,
    "--hashing-mib",
    "2",
    "--locks-increments",
    "300",
    "--locks-race-increments",
    "300",
    "--ipc-seconds",
    "1ms",
    "--switch-seconds",
    "2ms",
    "--spawn-seconds",
    "2ms",
    "--spawn-alive",
    "8",
    "--convoy-requests",
    "10",
    "--convoy-seconds",
    "50ms",
]


def offered_kinds(executor: str, family: str) -> set[str]:
    return {workloads.kind_name(kind) for kind in workloads.kinds(family, registry()[executor].offers)}


@pytest.fixture(scope="module")
def systems_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A saved tiny run of the six workloads over every executor (made once for this module).

    Its processes are tagged: none may outlive it (forkservers, managers and spawned units included).
    """
    folder = tmp_path_factory.mktemp("systems")
    tag = uuid.uuid4().hex
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(PROCESS_TAG, tag)
        done = run_bench("run", *TINY_SYSTEMS, "--results", str(folder / "results"), "--no-report", cwd=folder)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert_none_left(tag)
    data: dict[str, Any] = json.loads(saved_run(folder / "results").read_text())
    data["_path"] = str(saved_run(folder / "results"))
    return data


def cases_of(run: dict[str, Any], workload: str) -> dict[tuple[str, int], dict[str, Any]]:
    return {
        (e["params"]["executor"], e["params"]["workers"]): e
        for e in run["benchmarks"]
        if e["params"]["workload"] == workload
    }


# --- every workload under every executor: verified, or skipped with its reason ---


@pytest.mark.slow
def test_every_case_is_verified_or_skipped_with_its_reason(systems_run: dict[str, Any]) -> None:
    """Nothing failed; each executor ran each workload unless it lacks a primitive, and then it says which."""
    bench_run = systems_run["machine_info"]["bench_run"]
    assert bench_run["failed"] == []
    assert all(entry["extra_info"]["verified"] for entry in systems_run["benchmarks"])
    measured = {(e["params"]["workload"], e["params"]["executor"]) for e in systems_run["benchmarks"]}
    skipped = {(s["params"]["workload"], s["params"]["executor"]): s["reason"] for s in bench_run["skipped"]}
    for workload in SYSTEMS:
        for executor in RUNNABLE:
            if (workload, executor) in measured:
                continue
            assert "offers no" in skipped[(workload, executor)], (workload, executor)
    assert ("ipc", "sequential") not in measured
    assert "channel between two units" in skipped[("ipc", "sequential")]
    assert {(w, e) for w in SYSTEMS for e in RUNNABLE} - measured == {("ipc", "sequential")}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("workload", "measure", "family"),
    [("switch", "us_per_switch", "handoff:"), ("spawn", "us_per_start", "start:")],
)
def test_each_executor_measures_its_own_kinds(
    systems_run: dict[str, Any], workload: str, measure: str, family: str
) -> None:
    """switch and spawn time every kind of handoff or unit the executor offers, and nothing else."""
    for (executor, _), entry in cases_of(systems_run, workload).items():
        costs = entry["extra_info"]["measures"][measure]
        assert set(costs) == offered_kinds(executor, family), executor
        assert all(value > 0 and math.isfinite(value) for value in costs.values())


@pytest.mark.slow
def test_ipc_measures_every_channel_at_every_payload(systems_run: dict[str, Any]) -> None:
    for (executor, _), entry in cases_of(systems_run, "ipc").items():
        measures = entry["extra_info"]["measures"]
        expected = {
            f"{kind} {workloads.ipc.size_label(size)}"
            for kind in offered_kinds(executor, "channel:")
            for size in workloads.ipc.PAYLOADS
        }
        assert set(measures["rtt_us"]) == set(measures["messages_per_s"]) == expected, executor
    assert len(offered_kinds("processes", "channel:")) == 4  # Queue, SimpleQueue, Pipe, a Manager's queue


@pytest.mark.slow
def test_locks_saves_the_updates_lost_per_case_and_variant(systems_run: dict[str, Any]) -> None:
    """Every case saves increments/s and lost updates per variant; a lock loses none; asyncio has no RLock;
    the read, yield, write race loses updates under every model that runs two units at once."""
    for (executor, workers), entry in cases_of(systems_run, "locks").items():
        extra = entry["extra_info"]
        lost = extra["measures"]["lost_updates"]
        assert lost["lock"] == 0 and lost.get("rlock", 0) == 0 and lost["yield+lock"] == 0, executor
        assert lost["none"] >= 0
        assert set(extra["measures"]["increments_per_s"]) == set(lost)
        if executor == "asyncio":
            assert "rlock" not in lost and "rlock" in extra["not_measured"]
        else:
            assert "rlock" in lost
        if workers == 1:
            assert lost["none"] == lost["yield"] == 0  # one unit cannot race
        elif executor in ("threads", "gevent", "asyncio"):  # processes may not overlap in 300 increments
            assert lost["yield"] > 0, executor


@pytest.mark.slow
def test_the_locks_verdict_says_which_models_lost_updates(systems_run: dict[str, Any]) -> None:
    """The default locks run's verdict: the race lost updates under threads (how many), beside the plain increment."""
    run = results.load_run(Path(systems_run["_path"]))
    (found,) = [found for found in verdict.verdicts(run, table.cases(run)) if found.label == "locks"]
    assert found.text.startswith("Without a lock, at 2 units: read, yield, write (the race) lost updates under ")
    race = found.text.split(". ")[0]
    assert re.search(r"threads \d+% \([\d,]+ of 600\)", race), race
    assert "The plain increment lost" in found.text


@pytest.mark.slow
def test_convoy_reports_latency_per_busy_unit_and_hashing_a_paired_speedup(systems_run: dict[str, Any]) -> None:
    for (executor, workers), entry in cases_of(systems_run, "convoy").items():
        latency = entry["extra_info"]["latency_ms"]
        assert 0 < latency["p50"] <= latency["p99"], (executor, workers)
        assert entry["extra_info"]["measures"]["latency_ms"]["p99"] == pytest.approx(latency["p99"])
    for (executor, _), entry in cases_of(systems_run, "hashing").items():
        assert entry["extra_info"]["speedup"] > 0, executor


@pytest.mark.slow
def test_the_systems_run_makes_a_report(systems_run: dict[str, Any], tmp_path: Path) -> None:
    """Each workload gets its figure by its kind (costs, against workers, scaling), and a table of its measures."""
    folder = report.write_report(Path(systems_run["_path"]), tmp_path / "reports")
    names = {path.name for path in folder.iterdir()}
    assert {"locks.png", "ipc.png", "switch.png", "spawn.png", "convoy.png", "scaling.png"} <= names
    index = (folder / "index.md").read_text()
    assert "## Measured inside the rounds" in index
    assert "Not measured: asyncio: rlock" in index
    for workload in ("locks", "ipc", "switch", "spawn", "convoy"):
        assert f"### {workload}: measured inside its rounds" in index


# --- the race, forced, and its accounting ---


def locks_case(executor: str, workers: int, **changes: Any) -> Case:
    values = {param.name: param.quick for param in workloads.get("locks").params}
    values.update(changes)
    return Case("locks", executor, workers, tuple(sorted(values.items())))


@pytest.mark.parametrize("executor", [name for name in RUNNABLE if name != "sequential"])
def test_a_forced_race_loses_updates_and_the_round_accounts_for_them(executor: str, process_tag: str) -> None:
    """read; yield; write under 3 units: updates are lost without a lock, none with one, and the round is verified."""
    case = locks_case(executor, 3, increments=2000, body=2)
    child, _ = start_worker(case, {})
    try:
        done = run_round(child, 60)
    finally:
        child.stop()
    assert done["verified"] is True
    lost = done["extra"]["measures"]["lost_updates"]
    assert lost["none"] > 0  # the finding: a switch between read and write loses an update
    assert lost["lock"] == 0
    assert 0 < lost["none"] < 3 * 2000
    assert lost["yield"] > 0 and lost["yield+lock"] == 0  # the race's own variants, at their default count


def test_one_unit_at_a_time_loses_nothing(process_tag: str) -> None:
    child, _ = start_worker(locks_case("sequential", 1, increments=200, body=2), {})
    try:
        done = run_round(child, 60)
    finally:
        child.stop()
    assert done["extra"]["measures"]["lost_updates"] == {"none": 0, "lock": 0, "rlock": 0, "yield": 0, "yield+lock": 0}


def test_the_lost_update_check_fails_what_a_race_cannot_do() -> None:
    """counted + lost == expected, a count only goes down, and a lock loses nothing: each is checked."""
    locks = workloads.get("locks")(2, {"increments": 10, "body": 0}, {"offers": {COUNTER: "", LOCK: ""}})
    assert locks._outcome({"none": (20, 13, 0.1), "lock": (20, 20, 0.1)}).verified
    assert locks._outcome({"none": (20, 13, 0.1)}).extra["measures"]["lost_updates"] == {"none": 7}
    short = locks._outcome({"none": (19, 19, 0.1)})
    assert not short.verified and "made 19 increments, not 20" in short.detail
    grown = locks._outcome({"none": (20, 21, 0.1)})
    assert not grown.verified and "a race only loses" in grown.detail
    locked = locks._outcome({"lock": (20, 18, 0.1)})
    assert not locked.verified and "2 updates lost under a lock" in locked.detail


# --- the executors' primitives ---


@pytest.mark.parametrize("name", [name for name, info in registry().items() if info.offers])
def test_each_executor_makes_what_it_offers(name: str) -> None:
    """An executor's INFO.offers names exactly the primitives its makers build (gevent's read without patching)."""
    if unrunnable_reason(name):
        pytest.skip(unrunnable_reason(name) or "")
    executor = executors.create(name, 1, 0, 0)
    assert set(executor._makers()) == set(registry()[name].offers)
    for capability in registry()[name].offers:
        assert any(capability == c or capability.startswith(c) for c in workloads.CAPABILITIES), capability


def test_a_pool_process_gets_the_primitive_itself(process_tag: str) -> None:
    """A processes executor's counter and lock are made before the pool and reach it by inheritance."""
    executor = executors.create("processes", 2, 0, 0)
    executor.provide({COUNTER: 1, LOCK: 1, EVENT: 1, YIELD: 1})
    executor.start()
    try:
        counter, lock = executor.shared(COUNTER), executor.shared(LOCK)
        counter.value = 5
        units = [executor.submit(workloads.locks.add, counter, lock, 100, 0) for _ in range(2)]
        assert sum(unit.result() for unit in units) == 200
        assert counter.value == 205
        event = executor.shared(EVENT)
        assert not event.is_set()
        executor.submit(set_event, event).result()
        assert event.is_set()
    finally:
        executor.close()


def set_event(event: Any) -> bool:
    event.set()
    return True


def test_asking_for_what_was_not_made_says_so() -> None:
    executor = executors.create("threads", 1, 0, 0)
    executor.provide({LOCK: 1})
    with pytest.raises(LookupError, match="made no rlock #0"):
        executor.shared(RLOCK)
    with pytest.raises(LookupError, match="starts no start:fork"):
        executor.launch("start:fork", print)
    with pytest.raises(ValueError, match="asyncio offers no rlock"):
        executors.create("asyncio", 1, 0, 0).provide({RLOCK: 1})
    executor.close()


def test_an_executor_offering_nothing_skips_what_needs_primitives(monkeypatch: pytest.MonkeyPatch) -> None:
    """An executor written for map/submit/queue alone (another issue's) runs hashing and skips the rest, saying why."""
    plain = ExecutorInfo(
        name="plain",
        style="sync",
        parallel_cpu=True,
        summary="map, submit and queue only",
        unit="process",
        rank=90,
        color="k",
    )
    real_info = matrix.info
    monkeypatch.setattr(matrix, "info", lambda name: plain if name == "plain" else real_info(name))
    monkeypatch.setattr(matrix, "missing_requirements", lambda name: [])
    monkeypatch.setattr(matrix, "unavailable", lambda name, version=None: None)
    chosen = [*SYSTEMS, "fault"]
    run = config.RunConfig(
        workloads=chosen,
        executors=["plain"],
        explicit_executors=True,
        workers=[1],
        ladders={},
        values=config.resolve_values(chosen, {"fault_mode": workloads.fault.DEADLOCK}, quick=True),
    )
    skips = {case.workload: case.skip for case in matrix.build(run)}
    assert skips["hashing"] is None
    assert skips["locks"] == (
        "plain offers no counter shared by its units and no lock shared by its units, which locks needs "
        "(ExecutorInfo.offers)"
    )
    assert "offers no channel between two units running at once" in str(skips["ipc"])
    assert "offers no token handoff" in str(skips["switch"])
    assert "offers no way to start one unit" in str(skips["spawn"])
    assert "offers no event shared by its units" in str(skips["convoy"])
    assert "offers no lock shared by its units" in str(skips["fault"])


def test_a_workload_using_primitives_is_never_paired() -> None:
    """Its sequential twin would have none of the primitives: the deadlock fault mode runs unpaired."""
    values = config.resolve_values(["fault", "hashing"], {"fault_mode": workloads.fault.DEADLOCK}, quick=True)
    run = config.RunConfig(
        workloads=["fault", "hashing"],
        executors=["threads"],
        explicit_executors=True,
        workers=[1],
        ladders={},
        values=values,
    )
    paired = {case.workload: case.paired for case in matrix.build(run)}
    assert paired == {"fault": False, "hashing": True}


# --- the run's choices: quick matrix and warm-up ---


def test_quick_leaves_out_what_cannot_shrink_and_warm_up_follows_the_workload(tmp_path: Path) -> None:
    quick = config.build({"quick": True, "results": str(tmp_path)})
    assert quick.workloads == ["cpu", "hashing", "http", "pipeline", "locks", "switch"]
    full = config.build({"results": str(tmp_path)})
    assert {"ipc", "spawn", "convoy"} <= set(full.workloads)
    assert full.warmup_seconds_for("cpu") == 1.0
    assert full.warmup_seconds_for("switch") == workloads.get("switch").warmup_seconds
    assert config.build({"results": str(tmp_path), "warmup_seconds": 2.0}).warmup_seconds_for("switch") == 2.0
    assert quick.warmup_seconds_for("switch") == 0.0


# --- the deadlock fault mode, end to end ---


@pytest.mark.slow
def test_a_deadlock_is_caught_killed_and_recorded_and_the_run_goes_on(tmp_path: Path, process_tag: str) -> None:
    """The two-lock deadlock hangs each executor's round: no progress for 1 s, killed with its tree, recorded."""
    hanging = [name for name in RUNNABLE if name != "gevent"]
    args = ["--workloads", "fault,noop", "--fault-mode", str(workloads.fault.DEADLOCK), "--timeout", "1s"]
    args += ["--executors", ",".join(RUNNABLE), "--workers", "1", *BRIEF, "--no-report"]
    args += ["--results", str(tmp_path / "results")]
    done = run_bench("run", *args, cwd=tmp_path, timeout=120)
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    data = json.loads(saved_run(tmp_path / "results").read_text())
    failed = {f["params"]["executor"]: f["error"] for f in data["machine_info"]["bench_run"]["failed"]}
    assert set(failed) == set(RUNNABLE)
    for executor in hanging:
        assert failed[executor]["type"] == "Timeout", failed[executor]
        assert "made no progress for 1 s" in failed[executor]["message"]
    if "threads" in failed:  # the worker's own account: both threads wait at the second lock
        assert failed["threads"]["traceback"].count("in grab") >= 2
    if "gevent" in failed:  # every greenlet blocked and nothing left to wait for: gevent says so itself
        assert failed["gevent"]["type"] in ("LoopExit", "Timeout")
    assert {b["params"]["executor"] for b in data["benchmarks"]} == set(RUNNABLE)  # noop still ran everywhere
    assert_none_left(process_tag)


# --- figures and tables of measures, on a made-up run ---


def made_up_run() -> dict[str, Any]:
    """A run of one COST workload and one measured against workers, as the harness would save them."""
    costs = workloads.get("switch")
    lines = workloads.get("convoy")
    values = {"seconds": 0.01}
    benchmarks = []
    for executor, workers, measures in [
        ("sequential", 1, {"us_per_switch": {"generator": 0.04}}),
        ("threads", 1, {"us_per_switch": {"event": 20.0, "condition": 15.0}}),
        ("gevent", 1, {"us_per_switch": {"event": 4.0, "greenlet": 0.5}}),
    ]:
        benchmarks.append(entry("switch", executor, workers, {"measures": measures}))
    for executor, workers, p50, p99 in [
        ("threads", 1, 0.5, 1.0),
        ("threads", 2, 5.0, 12.0),
        ("processes", 2, 0.6, 2.0),
    ]:
        measures = {"latency_ms": {"p50": p50, "p99": p99}, "io_seconds": {"io": 0.1}}
        extra = {"measures": measures, "latency_ms": {"p50": p50, "p90": p99, "p99": p99}}
        benchmarks.append(entry("convoy", executor, workers, extra))
    benchmarks[0]["extra_info"]["not_measured"] = {"greenlet": "not here"}
    return {
        "machine_info": {
            "bench": {"usable_cores": 2},
            "bench_run": {
                "workloads": {"switch": costs.facts(values), "convoy": lines.facts({**values, **PARAMS_CONVOY})},
                "executors": {name: info.facts() for name, info in registry().items()},
            },
        },
        "benchmarks": benchmarks,
    }


PARAMS_CONVOY = {"requests": 10, "interval": 0.002, "chunk": 100, "seconds": 0.1}


def entry(workload: str, executor: str, workers: int, extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "params": {"workload": workload, "executor": executor, "workers": workers, "pass": 0},
        "stats": {"median": 0.01, "data": [0.01, 0.01]},
        "extra_info": {"throughput": 1.0, "throughput_unit": "x", **extra},
    }


def test_costs_are_drawn_one_row_per_executor_and_kind_on_a_log_axis() -> None:
    run = made_up_run()
    facts = Facts.of(run)
    fig = measured.costs_figure(table.cases(run), facts, "switch")
    assert fig is not None
    (ax,) = fig.axes
    labels = [label.get_text() for label in ax.get_yticklabels()]
    ticks = sorted(zip(ax.get_yticks(), labels, strict=True), reverse=True)
    top_down = [label for _, label in ticks]  # executors in their own order, each kind as it was measured
    assert top_down == [
        "sequential: generator",
        "threads: event",
        "threads: condition",
        "gevent: event",
        "gevent: greenlet",
    ]
    assert ax.get_xscale() == "log"
    assert "lower is better" in " ".join(ax.get_title().split())
    assert "Not measured: sequential: greenlet (not here)" in " ".join(fig.texts[-1].get_text().split())


def test_measures_against_workers_are_lines_per_executor_and_kind() -> None:
    run = made_up_run()
    fig = measured.by_workers_figure(table.cases(run), Facts.of(run), "convoy")
    assert fig is not None
    latency = fig.axes[0]
    assert latency.get_yscale() == "log"
    styles = {(line.get_color(), line.get_linestyle()) for line in latency.get_lines()}
    assert len(styles) == 4  # threads and processes, p50 solid and p99 dashed
    assert latency.get_legend() is None  # one legend for the figure, beside the panels
    (legend,) = fig.legends
    # every executor, then every kind of either panel (the second draws "io"), each kind in one style throughout
    assert [text.get_text() for text in legend.get_texts()] == ["threads", "processes", "p50", "p99", "io"]


def test_figures_are_chosen_by_kind_never_by_name() -> None:
    run = made_up_run()
    renamed = copy.deepcopy(run)
    described = renamed["machine_info"]["bench_run"]["workloads"]
    described["tokens"], described["waits"] = described.pop("switch"), described.pop("convoy")
    for item in renamed["benchmarks"]:
        item["params"]["workload"] = {"switch": "tokens", "convoy": "waits"}[item["params"]["workload"]]
    names = [spec.name for spec in catalogue.specs(table.cases(renamed), Facts.of(renamed))]
    assert names == ["scaling", "effective_cores", "tokens", "waits"]
    built = [spec.build() for spec in catalogue.specs(table.cases(renamed), Facts.of(renamed))]
    assert built[2] is not None and built[3] is not None
    assert measured.costs_figure(table.cases(run), Facts.of(run), "no-such-workload") is None


def test_measures_are_pooled_over_passes_and_tabled() -> None:
    run = made_up_run()
    second = copy.deepcopy(run["benchmarks"][1])
    second["params"]["pass"] = 1
    second["extra_info"]["measures"] = {"us_per_switch": {"event": 40.0, "condition": 25.0}}
    run["benchmarks"].append(second)
    frame = table.cases(run)
    pooled = frame[(frame["workload"] == "switch") & (frame["executor"] == "threads")].iloc[0]
    assert pooled["measures"] == {"us_per_switch": {"event": 30.0, "condition": 20.0}}
    lines = tables.measures_section(frame, Facts.of(run))
    assert "| threads | 1 | event | 30 |" in lines
    assert any(line.startswith("| executor | workers | kind | One switch") for line in lines)
