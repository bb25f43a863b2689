"""The case table every analysis reads: one row per case of a saved run, passes pooled, with the run's facts.

``cases`` is the shared data model of report, plots, summary, verdict and
compare; ``Facts`` is what the run says about its workloads and executors (how
each workload is judged and drawn, each executor's place and colour), so no
analysis module needs a table of workload or executor names. pandas is imported
here and below only: the harness and its workers start without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..vocabulary import LATENCY_MS, P50, P90, P99, PAIRED, SCALING

#: What the analysis assumes of a workload the run does not describe (a run of an unknown format).
UNKNOWN_WORKLOAD: dict[str, Any] = {
    "unit": "",
    "judged_by": PAIRED,
    "figure": SCALING,
    "heatmap": False,
    "core_bound": True,
    "needs_server": False,
    "latency": False,
    "ideal": "",
    "description": "",
    "summary": "",
    "measures": [],
    "needs": [],
}
UNKNOWN_RANK = 1000
FALLBACK_COLORS = ("tab:purple", "tab:brown", "tab:pink", "tab:olive", "tab:cyan", "tab:grey")


@dataclass(frozen=True)
class Facts:
    """What a run (or several) recorded about its machine, workloads and executors."""

    machine: dict[str, Any]
    workloads: dict[str, dict[str, Any]]
    executors: dict[str, dict[str, Any]]
    pythons: list[dict[str, Any]] = field(default_factory=list)  # the interpreters of a --python run, in order
    duels: list[dict[str, Any]] = field(default_factory=list)  # the run's head-to-head duels (format 4)

    @classmethod
    def of(cls, run: dict[str, Any]) -> Facts:
        bench_run = run["machine_info"].get("bench_run", {})
        return cls(
            run["machine_info"].get("bench", {}),
            dict(bench_run.get("workloads") or {}),
            dict(bench_run.get("executors") or {}),
            list(bench_run.get("pythons") or []),
            list(bench_run.get("duels") or []),
        )

    @classmethod
    def merged(cls, runs: list[dict[str, Any]]) -> Facts:
        """The facts of several runs: the first run's machine, every run's workloads and executors."""
        facts = [cls.of(run) for run in runs]
        workloads: dict[str, dict[str, Any]] = {}
        executors: dict[str, dict[str, Any]] = {}
        for one in reversed(facts):
            workloads.update(one.workloads)
            executors.update(one.executors)
        return cls(facts[0].machine, workloads, executors, facts[0].pythons)

    def workload(self, name: str) -> dict[str, Any]:
        return {**UNKNOWN_WORKLOAD, **self.workloads.get(name, {})}

    def order(self, workload: str) -> int:
        """A workload's place: as the run listed them (unknown ones after, by name)."""
        names = list(self.workloads)
        return names.index(workload) if workload in names else len(names)

    def rank(self, executor: str) -> int:
        return int(self.executors.get(executor, {}).get("rank", UNKNOWN_RANK))

    def color(self, executor: str) -> str:
        known = self.executors.get(executor, {}).get("color")
        if known:
            return str(known)
        unknown = sorted(name for name in self.executors if not self.executors[name].get("color"))
        index = unknown.index(executor) if executor in unknown else 0
        return FALLBACK_COLORS[index % len(FALLBACK_COLORS)]

    def unit_of(self, executor: str) -> str:
        """What one worker of ``executor`` is ("thread", "process", ...), or "unit"."""
        return str(self.executors.get(executor, {}).get("unit") or "unit")

    def python_order(self, label: str) -> int:
        """An interpreter's place: as ``--python`` listed them (the harness's own, unlabelled, first)."""
        labels = [str(python.get("label")) for python in self.pythons]
        return labels.index(label) if label in labels else -1 if not label else len(labels)

    @property
    def usable_cores(self) -> int:
        return int(self.machine.get("usable_cores") or 1)


def by_executor(rows: pd.DataFrame, facts: Facts) -> list[tuple[str, pd.DataFrame]]:
    """Rows per executor, in the executors' own order, each sorted by workers."""
    names = sorted(rows["executor"].unique(), key=lambda name: (facts.rank(str(name)), str(name)))
    return [(str(name), rows[rows["executor"] == name].sort_values("workers")) for name in names]


#: What a case is, across runs and passes: ``params`` is the workload's own parameters as text, ``python``
#: the interpreter's label in a run of several (``--python``; empty in a run of the harness's own interpreter).
KEY = ["workload", "executor", "workers", "params", "python"]
NOT_PARAMS = ("workload", "executor", "workers", "pass", "python")
NUMERIC = [
    "median_s",
    "throughput",
    "speedup",
    "effective_cores",
    "vs_ideal",
    "ideal_s",
    "p50",
    "p90",
    "p99",
    "cv",
    "memory_per_unit",
    "server_cores",
    "units",
    "peak_pss",
    "startup_s",
]


def workload_params(params: dict[str, Any]) -> str:
    """The workload's parameters as ``name=value, ...`` (sorted): part of a case's identity."""
    return ", ".join(f"{name}={params[name]}" for name in sorted(params) if name not in NOT_PARAMS)


def _row(entry: dict[str, Any], facts: Facts) -> dict[str, Any]:
    params, extra, stats = entry["params"], entry.get("extra_info") or {}, entry["stats"]
    latency = extra.get(LATENCY_MS) or {}
    timeline = extra.get("timeline") or {}
    return {
        "workload": params.get("workload", entry.get("group") or "?"),
        "executor": params.get("executor", "?"),
        "workers": int(params.get("workers", 1)),
        "params": workload_params(params),
        "python": str(params.get("python") or ""),
        "pass": int(params.get("pass", 0)),
        "median_s": stats.get("median"),
        "data": list(stats.get("data") or []),
        "ratios": list(extra.get("speedup_rounds") or []),
        "throughput": extra.get("throughput"),
        "unit": extra.get("throughput_unit", ""),
        "speedup": extra.get("speedup"),
        "effective_cores": extra.get("effective_cores"),
        # per measured round where the run saved them (format 3), else the case's one figure
        "cores_rounds": list(extra.get("effective_cores_rounds") or [])
        or ([extra["effective_cores"]] if extra.get("effective_cores") is not None else []),
        "vs_ideal": extra.get("vs_ideal"),
        "ideal_s": extra.get("ideal_s"),
        "p50": latency.get(P50),
        "p90": latency.get(P90),
        "p99": latency.get(P99),
        "cv": extra.get("cv"),
        "memory_per_unit": extra.get("memory_per_unit_bytes"),
        "units": extra.get("units"),
        "peak_pss": extra.get("peak_pss_bytes") or None,
        "startup_s": extra.get("startup_s"),
        "server_cores": extra.get("server_cores")
        if facts.workload(str(params.get("workload")))["needs_server"]
        else None,
        "unstable": list(extra.get("unstable") or []),
        "timeline": timeline if timeline.get("t_s") else None,
        "measures": extra.get("measures") or None,
        "not_measured": dict(extra.get("not_measured") or {}),
        # Other programs' load (format 4): rounds redone for it, and rounds counted although loaded, with their load
        "redone": len(extra.get("rounds_redone") or []),
        "loaded_cores": [
            float(extra["foreign_cores_rounds"][i])
            for i in extra.get("loaded_rounds") or []
            if i < len(extra.get("foreign_cores_rounds") or []) and extra["foreign_cores_rounds"][i] is not None
        ],
    }


def _pool(group: pd.DataFrame) -> dict[str, Any]:
    """One case over its passes: medians of the per-pass figures, all rounds, every unstable reason."""
    timelines = [t for t in group["timeline"] if t is not None]
    pooled: dict[str, Any] = {name: group[name].iloc[0] for name in KEY}
    pooled.update({str(name): value for name, value in group[NUMERIC].astype(float).median(skipna=True).items()})
    pooled.update(
        passes=len(group),
        unit=group["unit"].iloc[0],
        data=[value for data in group["data"] for value in data],
        data_by_pass=[list(data) for data in group["data"]],  # passes are independent processes: kept apart
        ratios_by_pass=[list(ratios) for ratios in group["ratios"] if ratios],
        cores_by_pass=[list(cores) for cores in group["cores_rounds"] if cores],
        unstable=[
            f"pass {number}: {reason}" if len(group) > 1 else reason
            for number, reasons in zip(group["pass"], group["unstable"], strict=True)
            for reason in reasons
        ],
        timeline=max(timelines, key=lambda t: len(t["t_s"])) if timelines else None,
        measures=pool_measures([m for m in group["measures"] if m]),
        not_measured={kind: why for found in group["not_measured"] for kind, why in found.items()},
        redone=int(group["redone"].sum()),
        loaded_cores=[value for loads in group["loaded_cores"] for value in loads],
    )
    return pooled


def pool_measures(passes: list[dict[str, dict[str, float]]]) -> dict[str, dict[str, float]] | None:
    """What a workload timed inside its rounds, over passes: the median per measure and kind (None: nothing)."""
    pooled: dict[str, dict[str, list[float]]] = {}
    for one in passes:
        for name, by_kind in one.items():
            for kind, value in by_kind.items():
                if value is not None:
                    pooled.setdefault(name, {}).setdefault(kind, []).append(float(value))
    if not pooled:
        return None
    return {
        name: {kind: float(pd.Series(values).median()) for kind, values in kinds.items()}
        for name, kinds in pooled.items()
    }


def cases(run: dict[str, Any], facts: Facts | None = None) -> pd.DataFrame:
    """One row per case (passes pooled), in the run's workload order, then by parameters, workers, executor."""
    facts = facts or Facts.of(run)
    entries = [_row(entry, facts) for entry in run["benchmarks"]]
    if not entries:
        return pd.DataFrame(
            columns=[
                *KEY,
                *NUMERIC,
                *("passes", "unit", "data", "data_by_pass", "ratios_by_pass", "cores_by_pass", "unstable", "timeline"),
                *("measures", "not_measured", "redone", "loaded_cores"),
            ]
        )
    rows = pd.DataFrame(entries)
    pooled = pd.DataFrame([_pool(group) for _, group in rows.groupby(KEY, sort=False)])
    pooled["order"] = pooled["workload"].map(facts.order)
    pooled["rank"] = pooled["executor"].map(facts.rank)
    pooled["python_order"] = pooled["python"].map(facts.python_order)
    keys = ["order", "workload", "params", "workers", "rank", "executor", "python_order"]
    pooled = pooled.sort_values(keys, kind="stable")
    return pooled.drop(columns=["order", "rank", "python_order"]).reset_index(drop=True)


def fmt(value: Any, spec: str, suffix: str = "") -> str:
    return "" if value is None or pd.isna(value) else f"{value:{spec}}{suffix}"
