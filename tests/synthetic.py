"""Small synthetic runs for the analysis tests: every figure chosen by the test, nothing measured.

A run here has the shape of a saved one (pytest-benchmark's JSON with our
``params``, ``extra_info`` and ``machine_info``), so the analysis reads it as it
reads a real one. Its workloads are described by facts only, like a user's or a
new kind of workload would be.
"""

from __future__ import annotations

import statistics
from typing import Any

EXECUTORS: dict[str, dict[str, Any]] = {
    "sequential": {"unit": "call", "rank": 0, "color": "black"},
    "threads": {"unit": "thread", "rank": 10, "color": "tab:blue"},
    "processes": {"unit": "process", "rank": 20, "color": "tab:orange"},
    "gevent": {"unit": "greenlet", "rank": 40, "color": "tab:green"},
    "asyncio": {"unit": "task", "rank": 50, "color": "tab:red"},
}

PAIRED: dict[str, Any] = {
    "unit": "iterations/s",
    "judged_by": "paired",
    "figure": "scaling",
    "heatmap": True,
    "core_bound": True,
    "needs_server": False,
    "latency": False,
    "ideal": "",
    "description": "a countdown of 1,000,000 steps per round, split into one task per worker",
}
IDEAL: dict[str, Any] = {
    "unit": "requests/s",
    "judged_by": "ideal",
    "figure": "against_ideal",
    "heatmap": False,
    "core_bound": False,
    "needs_server": True,
    "latency": True,
    "ideal": "ceil(requests / concurrency) x latency",
    "description": "400 GET requests per round to the local server, each answered after 20 ms; concurrency = workers",
}
THROUGHPUT: dict[str, Any] = {
    **PAIRED,
    "unit": "items/s",
    "figure": "throughput",
    "heatmap": False,
    "description": "20,000 items per round; 200 countdown steps to make and to use each; queue bound 64; "
    "producers = consumers = workers",
}


def timeline(cores: int, busy: int = 1, moving: bool = False, samples: int = 8) -> dict[str, Any]:
    """Per-core samples with ``busy`` cores fully busy at a time: the same ones, or (``moving``) one moving around."""
    rows = []
    for i in range(samples):
        first = i % cores if moving else 0
        rows.append([100.0 if (core - first) % cores < busy else 0.0 for core in range(cores)])
    return {"t_s": [0.05 * (i + 1) for i in range(samples)], "per_core_pct": rows}


def around(value: float, spread: float = 0.01) -> list[float]:
    """Five values around ``value``, ``spread`` apart (round times, per-round ratios)."""
    return [value * (1 + spread * k) for k in (-2, -1, 0, 1, 2)]


def case(
    workload: str,
    executor: str,
    workers: int,
    seconds: float,
    *,
    ratios: list[float] | None = None,
    spread: float = 0.01,
    cores: float | None = None,
    amount: float = 1000.0,
    unit: str = "iterations/s",
    ideal_s: float | None = None,
    latency: tuple[float, float] | None = None,
    unstable: list[str] | None = None,
    units: int | None = None,
    pss_per_unit: float | None = None,
    base_pss: float = 30e6,
    params: dict[str, Any] | None = None,
    shape: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One saved case: five rounds around ``seconds`` (``spread`` apart), with the figures given."""
    data = around(seconds, spread)
    median = statistics.median(data)
    units = units if units is not None else workers
    extra: dict[str, Any] = {
        "throughput": amount / median,
        "throughput_unit": unit,
        "cv": statistics.stdev(data) / statistics.mean(data),
        "unstable": list(unstable or []),
        "units": units,
    }
    if ratios is not None:
        extra.update(speedup=statistics.median(ratios), speedup_rounds=list(ratios))
    elif executor == "sequential":
        extra["speedup"] = 1.0
    if ideal_s is not None:
        extra.update(ideal_s=ideal_s, vs_ideal=median / ideal_s)
    if latency is not None:
        extra["latency_ms"] = {"p50": latency[0], "p90": latency[1], "p99": latency[1]}
    if pss_per_unit is not None:
        extra["peak_pss_bytes"] = base_pss + pss_per_unit * units
        extra["memory_per_unit_bytes"] = (base_pss if units == 1 else 0) + pss_per_unit
    extra.update({key: value for key, value in (("effective_cores", cores), ("timeline", shape)) if value is not None})
    return {
        "group": workload,
        "name": f"{workload}-{executor}-w{workers}",
        "params": {"workload": workload, "executor": executor, "workers": workers, "pass": 0, **(params or {})},
        "stats": {"median": median, "data": data},
        "extra_info": extra,
    }


def run(
    workloads: dict[str, dict[str, Any]],
    cases: list[dict[str, Any]],
    cores: int = 2,
    failed: list[dict[str, Any]] | None = None,
    gil: bool = True,
) -> dict[str, Any]:
    """A saved run of ``cases``, on a machine of ``cores`` usable cores."""
    machine = {
        "format_version": 2,
        "usable_cores": cores,
        "logical_cores": cores,
        "python_implementation": "CPython",
        "python_version": "3.12.0",
        "gil_enabled": gil,
        "cpu_model": "Synthetic CPU",
    }
    bench_run = {
        "workloads": workloads,
        "executors": EXECUTORS,
        "failed": list(failed or []),
        "skipped": [],
        "partial": False,
        "config": {"rounds": 5, "passes": 1},
    }
    return {"machine_info": {"bench": machine, "bench_run": bench_run}, "benchmarks": cases}


def cpu_like(cores: int, workers: tuple[int, ...], name: str = "count") -> list[dict[str, Any]]:
    """A CPU-bound workload: processes scale to the cores, threads and coroutines stay on one."""
    found = [case(name, "sequential", 1, 1.0, cores=1.0, shape=timeline(cores))]
    for w in workers:
        gain = float(min(w, cores))
        found += [
            case(name, "threads", w, 1.0, ratios=around(1.0), cores=1.0, shape=timeline(cores, moving=True)),
            case(
                name,
                "processes",
                w,
                1 / gain,
                ratios=around(gain * 0.95),
                cores=gain,
                shape=timeline(cores, min(w, cores)),
            ),
            case(name, "asyncio", w, 1.0, ratios=around(0.99), cores=1.0, shape=timeline(cores)),
        ]
    return found


def io_like(
    levels: tuple[int, ...], name: str = "fetch", requests: int = 400, latency_s: float = 0.02
) -> list[dict[str, Any]]:
    """A waiting workload judged against its ideal: asyncio closest at the top, threads behind, memory per unit."""
    found = []
    for w in (1, *levels):
        ideal = -(-requests // w) * latency_s
        for executor, over, per_unit in (("threads", 1.2 + w / 400, 40e3), ("asyncio", 1.1, 8e3)):
            found.append(
                case(
                    name,
                    executor,
                    w,
                    ideal * over,
                    amount=requests,
                    unit="requests/s",
                    ideal_s=ideal,
                    latency=(21.0 * over, 30.0 * over),
                    cores=0.1,
                    pss_per_unit=per_unit,
                )
            )
    return found
