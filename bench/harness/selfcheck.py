"""``python -m bench selfcheck``: the harness benchmarks itself, so its numbers can be trusted.

Three checks, each against a stated target:
- round trip: a no-op round through the worker protocol (median and p99);
- sampler overhead: the same cpu case with the sampler on and off, rounds
  interleaved ABBA, as a ratio of medians; and the sampler's own CPU use;
- server headroom: the local server's CPU and its own handling time per request
  at the http concurrencies, beside the clients' latency and the ideal time.
Each is judged against its target in ``selfcheck_targets``. The table is printed
and the checks saved as JSON (pytest-benchmark's format, like any run, named
``selfcheck_<time>.json`` so it is never taken for the newest run).
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pytest_benchmark import __version__ as pytest_benchmark_version
from pytest_benchmark.plugin import pytest_benchmark_generate_machine_info
from pytest_benchmark.stats import Stats
from pytest_benchmark.utils import get_machine_id

from .. import machine
from ..results import storage_root, write_json_atomic
from ..stats import median_interval
from .client import run_round, start_worker
from .matrix import Case
from .sampler import Sampler, summarize
from .selfcheck_targets import text_table, verdicts
from .server_handle import ServerHandle


def entry(check: str, params: dict[str, Any], data: list[float], extra: dict[str, Any]) -> dict[str, Any]:
    """One pytest-benchmark benchmark entry, with the stats pytest-benchmark itself computes."""
    stats = Stats()
    for value in data:
        stats.update(value)
    stats_dict = {**stats.as_dict(), "data": data, "iterations": 1}
    return {
        "group": "selfcheck",
        "name": f"selfcheck[{check}]",
        "fullname": f"selfcheck[{check}]",
        "params": {"check": check, **params},
        "param": check,
        "extra_info": extra,
        "options": {},
        "stats": stats_dict,
    }


MIN_FOR_INTERVAL = 3  # fewer values than this give no interval worth the name


def median_ci(values: list[float]) -> list[float] | None:
    """[low, high] of the median's 95% interval (bootstrap of these values), or None when too few."""
    if len(values) < MIN_FOR_INTERVAL:
        return None
    _, low, high = median_interval([values])
    return [low, high]


def percentile(data: list[float], q: int) -> float:
    return statistics.quantiles(data, n=100, method="inclusive")[q - 1] if len(data) > 1 else data[0]


def check_roundtrip(rounds: int) -> dict[str, Any]:
    """The no-op's round time as the harness sees it: pipe, JSON, wake-ups; no work."""
    case = Case("noop", "sequential", 1, ())
    child, _ = start_worker(case, {})
    try:
        for _ in range(10):
            run_round(child, 10)
        data, inside = [], []
        for _ in range(rounds):
            started = time.perf_counter()
            done = run_round(child, 10)
            data.append(time.perf_counter() - started)
            inside.append(float(done["worker_s"]))
    finally:
        child.stop()
    extra = {
        "median_ms": statistics.median(data) * 1e3,
        "median_ms_ci95": median_ci([value * 1e3 for value in data]),
        "p99_ms": percentile(data, 99) * 1e3,
        "worker_median_ms": statistics.median(inside) * 1e3,
    }
    return entry("noop-roundtrip", {"workload": "noop", "executor": "sequential", "workers": 1}, data, extra)


def check_sampler(executor: str, n: int, pairs: int, interval: float) -> list[dict[str, Any]]:
    """The same cpu case with sampling on and off, interleaved ABBA so drift cancels.

    Each pair's on/off ratio is paired in time (its two rounds are adjacent); their median and its
    interval say what the sampler costs.
    """
    case = Case("cpu", executor, 2, (("n", n), ("tasks", 0)))
    child, _ = start_worker(case, {})
    on: list[float] = []
    off: list[float] = []
    sampler_cpu = sampler_wall = 0.0
    try:
        run_round(child, 600)  # warm-up
        for i in range(pairs):
            for sampling in (True, False) if i % 2 == 0 else (False, True):
                sampler = Sampler(interval, child.tree) if sampling else None
                if sampler:
                    sampler.start()
                started = time.perf_counter()
                run_round(child, 600)
                took = time.perf_counter() - started
                if sampler:
                    sampler.stop()
                    sampler_cpu += sampler.cpu_s
                    sampler_wall += time.perf_counter() - sampler.started_at
                (on if sampling else off).append(took)
    finally:
        child.stop()
    ratios = [a / b for a, b in zip(on, off, strict=True)]
    cpu_pct = sampler_cpu / sampler_wall * 100
    params = {"workload": "cpu", "executor": executor, "workers": 2, "n": n}
    shared = {
        "ratio_on_off": statistics.median(ratios),
        "ratio_ci95": median_ci(ratios),
        "pair_ratios": ratios,
        "sampler_cpu_pct": cpu_pct,
        "interval_s": interval,
    }
    return [
        entry(f"sampler-{executor}-on", {**params, "sampling": True}, on, shared),
        entry(f"sampler-{executor}-off", {**params, "sampling": False}, off, shared),
    ]


def check_server(
    server: ServerHandle, executor: str, workers: int, *, requests: int, latency: float, rounds: int, interval: float
) -> dict[str, Any]:
    """An http case, with the server's CPU and own handling time beside the clients' latency."""
    case = Case("http", executor, workers, (("latency", latency), ("requests", requests)))
    child, _ = start_worker(case, {"url": server.url})
    data: list[float] = []
    windows: list[tuple[float, float]] = []
    latencies: list[dict[str, float]] = []
    sampler = Sampler(interval, child.tree, server.pid)
    try:
        run_round(child, 600)  # warm-up: connections
        server.stats(reset=True)
        sampler.start()
        for _ in range(rounds):
            sampler.mark()
            started = time.perf_counter()
            done = run_round(child, 600)
            windows.append((started, time.perf_counter()))
            data.append(windows[-1][1] - started)
            latencies.append(done["extra"]["latency_ms"])
        ticks = sampler.stop()
        served = server.stats()
    finally:
        sampler.stop()
        child.stop()
    figures = summarize(ticks, windows)
    ideal = -(-requests // workers) * latency
    extra = {
        "vs_ideal": statistics.median(data) / ideal,
        "vs_ideal_ci95": median_ci([value / ideal for value in data]),
        "ideal_s": ideal,
        "server_cores": figures.get("server_cores"),
        "server_overhead_ms": served["overhead_ms"],
        "client_latency_ms": {k: statistics.median(d[k] for d in latencies) for k in latencies[0]},
        "effective_cores": figures.get("effective_cores"),
    }
    params = {"workload": "http", "executor": executor, "workers": workers, "requests": requests, "latency": latency}
    return entry(f"server-{executor}-w{workers}", params, data, extra)


def run_checks(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Every check, printed as it finishes, then the table."""
    print(f"Self-check on {machine.describe(machine.collect())}")
    entries = [check_roundtrip(args.noop_rounds)]
    print(f"  round trip: {entries[0]['extra_info']['median_ms']:.3f} ms median")
    for executor in ("threads", "processes"):
        entries += check_sampler(executor, args.cpu_n, args.pairs, args.interval)
        print(f"  sampler overhead ({executor}): ratio {entries[-1]['extra_info']['ratio_on_off']:.3f}")
    with ServerHandle() as server:
        for workers in args.http_workers:
            for executor in args.http_executors:
                entries.append(
                    check_server(
                        server,
                        executor,
                        workers,
                        requests=args.http_requests,
                        latency=args.http_latency,
                        rounds=5,
                        interval=args.interval,
                    )
                )
                print(f"  http {executor} w{workers}: {entries[-1]['extra_info']['vs_ideal']:.2f}x ideal")
    print(text_table(verdicts(entries)))
    return entries


def save(entries: list[dict[str, Any]], args: argparse.Namespace, argv: list[str]) -> Path:
    """The self-check as JSON, like any run, named so it is never taken for the newest run."""
    info = pytest_benchmark_generate_machine_info()
    info["bench"] = machine.collect()
    info["bench_run"] = {
        "selfcheck": True,
        "argv": argv,
        "config": vars(args),
        "partial": False,
        "failed": [],
        "skipped": [],
    }
    stamp = datetime.now(UTC)
    folder: Path = storage_root(Path(args.results), machine.gil_label()) / get_machine_id()
    path = folder / f"selfcheck_{stamp:%Y%m%d_%H%M%S}.json"
    write_json_atomic(
        path,
        {
            "machine_info": info,
            "commit_info": {},
            "benchmarks": entries,
            "datetime": stamp.isoformat(),
            "version": pytest_benchmark_version,
        },
    )
    print(f"Saved self-check: {path}")
    return path
