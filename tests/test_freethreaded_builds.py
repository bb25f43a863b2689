"""Across builds: what switching from a GIL build to a free-threaded one changes, from hand-made runs.

Every figure is chosen by the test (tests/synthetic.py): nothing is measured and no speed is asserted; each test
checks that the verdict, its duel lookup and its figures say what the given figures say.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import pytest
import synthetic
from synthetic import PAIRED, around, case

from bench import results
from bench.analysis import builds, report, table, verdict
from bench.analysis.duel_records import Side
from bench.analysis.figures.builds import builds_figure
from bench.analysis.figures.heatmap import cpu_per_core_figure
from bench.analysis.table import Facts
from bench.vocabulary import UNDECIDED

GIL, FREE, FORCED = "3.13", "3.13t-nogil", "3.13t-gil"
RACE: dict[str, Any] = {
    **PAIRED,
    "judged_by": "race",
    "figure": "by_workers",
    "heatmap": False,
    "core_bound": False,
    "description": "a shared counter",
    "measures": [
        {"name": "increments_per_s", "title": "Increments", "unit": "increments/s", "log": True},
        {"name": "lost_share", "title": "Updates lost", "unit": "%", "log": False},
    ],
}
IO_BOUND: dict[str, Any] = {**PAIRED, "core_bound": False, "heatmap": False, "description": "waits"}


def python(label: str, free: bool, env: dict[str, str] | None = None) -> dict[str, Any]:
    version = "3.13.5" if free else "3.13.0"
    return {
        "label": label,
        "version": version,
        "version_info": [3, 13],
        "implementation": "CPython",
        "free_threaded_build": free,
        "gil_enabled": not free or (env or {}).get("PYTHON_GIL") == "1",
        "expects_gil": not free or (env or {}).get("PYTHON_GIL") == "1",
        "env": env or {},
        "base": f"/x/python{'3.13t' if free else '3.13'}",
        "environment": None,
    }


PYTHONS = [python(GIL, False), python(FREE, True, {"PYTHON_GIL": ""}), python(FORCED, True, {"PYTHON_GIL": "1"})]


def under(label: str, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for entry in entries:
        entry["params"]["python"] = label
        entry["name"] += f"-{label}"
        entry["extra_info"].update(gil_enabled=label != FREE, gil_expected=label != FREE)
    return entries


def counting(label: str, sequential: float, best: dict[str, float], cores: int = 2) -> list[dict[str, Any]]:
    """A CPU-bound workload under one build: sequential's round time, and each executor's at 2 workers."""
    found = [case("count", "sequential", 1, sequential, cores=1.0, shape=synthetic.timeline(cores))]
    for executor, seconds in best.items():
        gain = sequential / seconds
        shape = synthetic.timeline(cores, min(cores, round(gain)))
        found.append(case("count", executor, 2, seconds, ratios=around(gain), cores=gain, shape=shape))
    return under(label, found)


def builds_run(*labelled: list[dict[str, Any]], duels: list[dict[str, Any]] | None = None, **workloads: Any) -> Any:
    run = synthetic.run(workloads or {"count": PAIRED}, [entry for entries in labelled for entry in entries])
    run["machine_info"]["bench_run"]["pythons"] = copy.deepcopy(PYTHONS)
    if duels is not None:
        run["machine_info"]["bench_run"]["duels"] = duels
    return run


def standard(**changes: float) -> dict[str, Any]:
    """3.13: processes fastest (0.53 s); 3.13t without its GIL: threads 0.78 s; every thread 1.5x slower there."""
    free = {"threads": changes.get("free_threads", 0.78), "processes": changes.get("free_processes", 0.80)}
    return builds_run(
        counting(GIL, 1.0, {"threads": 1.0, "processes": changes.get("gil_processes", 0.53)}),
        counting(FREE, changes.get("free_sequential", 1.5), free),
        counting(FORCED, 1.5, {"threads": 1.5, "processes": 0.80}),
    )


def across(run: dict[str, Any]) -> verdict.Verdict:
    found = [one for one in verdict.verdicts(run) if "against" in one.label]
    assert len(found) == 1, [one.label for one in found]
    return found[0]


def test_the_pairing_is_each_free_threaded_build_with_the_gil_build_of_its_version_and_its_twin() -> None:
    facts = Facts.of(standard())
    assert builds.pairings(facts) == [builds.Pairing(GIL, FREE, FORCED)]
    older = {**python("3.12", False), "version_info": [3, 12]}
    gil_only = [*copy.deepcopy(facts.pythons[:1]), older]
    assert builds.pairings(Facts(facts.machine, facts.workloads, facts.executors, gil_only)) == []
    other_version = [older, facts.pythons[1]]  # no 3.13 GIL build: the run's first GIL build, and no twin
    assert builds.pairings(Facts(facts.machine, facts.workloads, facts.executors, other_version)) == [
        builds.Pairing("3.12", FREE, None)
    ]


def test_switching_does_not_pay_where_the_gil_builds_processes_stay_faster() -> None:
    found = across(standard())
    assert found.label == f"count, {GIL} against {FREE}"
    text = found.text
    assert text.startswith(f"Switching to {FREE} does not pay: {FREE}'s fastest configuration, threads at 2 workers, ")
    assert f"takes 1.47x the time of {GIL}'s fastest, processes at 2 workers (95% CI " in text
    assert f"A single thread pays for the free-threaded build: sequential takes 1.50x the time under {FREE}" in text
    assert "one pass" in text and "called only beyond 10%" in text
    assert found.best == ()  # drawn in the builds figure, not the verdict's


def test_switching_pays_where_free_threads_beat_everything_the_gil_build_has() -> None:
    text = across(standard(gil_processes=0.9, free_threads=0.55)).text
    assert text.startswith(
        f"Switching to {FREE} pays: {FREE}'s fastest configuration, threads at 2 workers, takes 0.61x"
    )


def test_within_the_one_pass_margin_nothing_is_called() -> None:
    text = across(standard(free_threads=0.55, free_sequential=1.04)).text
    assert text.startswith(f"Whether switching to {FREE} pays is not decided")
    assert f"A single thread: sequential takes 1.04x the time under {FREE}" in text
    assert f"not told apart from {GIL}" in text


def test_two_passes_decide_without_the_margin() -> None:
    run = standard(free_sequential=1.04)
    for entry in list(run["benchmarks"]):
        again = copy.deepcopy(entry)
        again["params"]["pass"] = 1
        run["benchmarks"].append(again)
    text = across(run).text
    assert f"sequential takes 1.04x the time under {FREE} (95% CI " in text and "; 2 passes)" in text
    assert "A single thread pays for the free-threaded build" in text and "one pass" not in text


def duel(a: tuple[str, int, str], b: tuple[str, int, str], figures: tuple[float, float, float], outcome: str) -> Any:
    """A duel record as issue 19's harness saves it (``machine_info["bench_run"]["duels"]``): B against A."""
    side = [{"executor": e, "workers": w, "python": p} for e, w, p in (a, b)]
    ratio, low, high = figures
    return {
        "workload": "count",
        "params": {},
        "a": side[0],
        "b": side[1],
        "why": "builds",
        "ratios": [1.4] * 12,
        "ratio": ratio,
        "low": low,
        "high": high,
        "outcome": outcome,
        "pairs": 12,
        "seconds": 9.0,
        "margin": 0.05,
    }


def test_a_duel_between_the_two_cases_decides_and_is_quoted() -> None:
    run = standard()
    run["machine_info"]["bench_run"]["duels"] = [
        duel(("processes", 2, GIL), ("threads", 2, FREE), (1.40, 1.30, 1.50), "a"),
        duel(("sequential", 1, FREE), ("sequential", 1, GIL), (0.70, 0.65, 0.75), "b"),  # the other way round
    ]
    text = across(run).text
    assert "takes 1.40x the time of 3.13's fastest, processes at 2 workers (95% CI 1.30-1.50; decided in 24 " in text
    assert "sequential takes 1.43x the time under 3.13t-nogil (95% CI 1.33-1.54; decided in 24 alternating" in text
    assert "A single thread pays" in text and "one pass" not in text


def test_the_duel_lookup_turns_a_duel_round_when_asked_the_other_way() -> None:
    run = standard()
    a, b = Side("processes", 2, GIL), Side("threads", 2, FREE)
    run["machine_info"]["bench_run"]["duels"] = [
        duel(("threads", 2, FREE), ("processes", 2, GIL), (0.8, 0.7, 0.9), "b")
    ]
    met = builds.duel_between(run, "count", "", a, b)
    assert met is not None and met.duel and met.outcome == builds.A  # processes under 3.13 faster, either way
    assert (met.ratio, met.low, met.high) == pytest.approx((1.25, 1 / 0.9, 1 / 0.7))
    assert builds.duel_between(run, "count", "n=5", a, b) is None  # another parameter set
    assert builds.duel_between(run, "count", "", a, Side("threads", 1, FREE)) is None
    undecided = duel(("processes", 2, GIL), ("threads", 2, FREE), (1.02, 0.9, 1.1), "undecided")
    run["machine_info"]["bench_run"]["duels"] = [undecided]
    met = builds.duel_between(run, "count", "", a, b)
    assert met is not None and met.how == "undecided after 24 alternating rounds"


def test_a_case_whose_gil_came_back_is_named_and_left_out() -> None:
    run = standard(free_threads=0.55, gil_processes=0.9, free_processes=0.7)
    for entry in run["benchmarks"]:
        if entry["name"] == f"count-threads-w2-{FREE}":
            entry["extra_info"].update(gil_enabled=True, gil_enabled_by=["greenlet._greenlet"])
    text = across(run).text
    assert text.startswith(
        f"Under {FREE}, threads at 2 workers ran with the GIL back on (importing greenlet._greenlet turned it on)"
    )
    assert f"Switching to {FREE} pays: {FREE}'s fastest configuration, processes at 2 workers" in text


def test_no_free_threaded_result_where_every_case_had_the_gil_back() -> None:
    run = standard()
    for entry in run["benchmarks"]:
        if entry["params"]["python"] == FREE:
            entry["extra_info"].update(gil_enabled=True, gil_enabled_by=["ext"])
    text = across(run).text
    assert text.startswith(f"No free-threaded result: every case of {FREE} ran with the GIL back on (importing ext")
    assert "Switching" not in text


def race(label: str, lost: dict[str, float]) -> list[dict[str, Any]]:
    found = []
    for executor, share in lost.items():
        for workers, kept in ((1, 0.0), (4, share)):
            entry = case("counter", executor, workers, 0.1)
            measures = {"increments_per_s": {"none": 3e6, "lock": 2e6}, "lost_share": {"none": kept, "lock": 0.0}}
            entry["extra_info"]["measures"] = measures
            found.append(entry)
    return under(label, found)


def test_races_that_appear_without_the_gil_are_named_by_executor_and_build() -> None:
    run = builds_run(
        race(GIL, {"threads": 0.0, "processes": 40.0}),
        race(FREE, {"threads": 9.0, "processes": 38.0}),
        race(FORCED, {"threads": 0.0, "processes": 41.0}),
        counter=RACE,
    )
    text = across(run).text
    assert text.startswith(f"Races that appear without the GIL: threads lose updates under {FREE} and none under {GIL}")
    assert f"Updates lost without a lock at 4 units: threads 9% under {FREE}, none under {GIL}" not in text
    assert f"threads none under {GIL}, 9% under {FREE} and none under {FORCED}" in text
    assert f"processes 40% under {GIL}, 38% under {FREE} and 41% under {FORCED}" in text


def test_memory_per_thread_under_each_build_where_it_stands_above_noise() -> None:
    entries = []
    for label, per_thread in ((GIL, 16e3), (FREE, 24e3)):
        mine = [case("wait", "sequential", 1, 1.0)]
        mine += [case("wait", "threads", w, 1.0 / w, ratios=around(w), pss_per_unit=per_thread) for w in (1, 64, 256)]
        entries.append(under(label, mine))
    text = across(builds_run(*entries, wait=IO_BOUND)).text
    assert (
        f"Memory per added thread (slope over the thread counts): 16 KiB under {GIL} and 23 KiB under {FREE}." in text
    )


def test_no_paragraph_without_both_builds() -> None:
    run = standard()
    run["benchmarks"] = [entry for entry in run["benchmarks"] if entry["params"]["python"] != FREE]
    assert not [one for one in verdict.verdicts(run) if "against" in one.label]


def test_the_paragraph_follows_its_workloads_verdicts() -> None:
    labels = [one.label for one in verdict.verdicts(standard())]
    assert labels == [
        f"count, python {GIL}",
        f"count, python {FREE}",
        f"count, python {FORCED}",
        f"count, {GIL} against {FREE}",
    ]


def test_the_builds_figure_draws_each_builds_fastest_and_sequential() -> None:
    run = standard()
    facts = Facts.of(run)
    figure = builds_figure(run, table.cases(run, facts), facts)
    assert figure is not None
    (ax,) = figure.axes
    assert [tick.get_text() for tick in ax.get_yticklabels()] == [GIL, FREE, FORCED]
    names = {text.get_text() for text in ax.texts}
    assert {"fastest: processes at 2 workers", "fastest: threads at 2 workers", "sequential at 1 worker"} <= names
    assert "takes 1.47x the time of 3.13's" in ax.get_title()
    widths = sorted(round(patch.get_width(), 2) for patch in ax.patches)
    assert widths == [0.53, 0.78, 0.8, 1.0, 1.5, 1.5]
    caption = " ".join(text.get_text() for text in figure.texts)
    assert "Measured under 3.13 (CPython 3.13.0, GIL on), 3.13t-nogil (CPython 3.13.5, free-threaded build" in caption


def test_the_cpu_per_core_figure_has_a_column_per_interpreter_and_names_them() -> None:
    run = standard()
    facts = Facts.of(run)
    figure = cpu_per_core_figure(table.cases(run, facts), facts, "count")
    assert figure is not None
    titles = [ax.get_title(loc="left") for ax in figure.axes if ax.get_title(loc="left")]
    assert [title.split(":")[0] for title in titles[:3]] == [GIL, FREE, FORCED]  # sequential's row, then the others
    assert any(title.startswith(f"{FREE}: threads (2 workers)") and "2.0 cores busy" in title.replace("\n", " ")
               for title in titles)  # fmt: skip
    caption = " ".join(text.get_text() for text in figure.texts)
    assert "CPython 3.11" not in caption and "3.13t-gil (CPython 3.13.5, free-threaded build, GIL on)" in caption


def test_the_report_holds_the_builds_figure_and_the_paragraph(tmp_path: Path) -> None:
    path = tmp_path / "0001_x_20260101_000000.json"
    results.write_json_atomic(path, standard())
    folder = report.write_report(path, tmp_path / "reports")
    index = (folder / "index.md").read_text()
    assert f"**count, {GIL} against {FREE}**" in index
    assert "### Switching builds at a glance" in index and "![Switching builds at a glance](builds.png)" in index
    assert (folder / "builds.png").stat().st_size > 0 and (folder / "cpu_per_core-count.png").stat().st_size > 0


def test_a_meeting_from_too_few_rounds_calls_nothing() -> None:
    run = standard()
    frame = table.cases(run)
    a, b = (frame[(frame["executor"] == "sequential") & (frame["python"] == label)].iloc[0] for label in (GIL, FREE))
    a = a.copy()
    a["data_by_pass"] = [[1.0]]
    met = builds.from_rounds(a, b)
    assert met.outcome == UNDECIDED and math.isnan(met.low) and "too few rounds" in met.how
