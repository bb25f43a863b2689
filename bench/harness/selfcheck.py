"""``python -m bench selfcheck``: the harness benchmarks itself, so its numbers can be trusted.

Three checks, each against a stated target:
- round trip: a no-op round through the worker protocol (median and p99);
- sampler overhead: the same cpu case with the sampler on and off, rounds
  interleaved ABBA, as a ratio of medians; and the sampler's own CPU use;
- server headroom: the local server's CPU and its own handling time per request
  at the http concurrencies, beside the clients' latency and the ideal time.
Each target is judged on an interval where the data give one: met only when the
whole interval is on the target's side, NOT MET when all of it is beyond, and
"not shown" when it crosses the target (a point estimate on either side is then
noise, not a result). The table is printed and saved as JSON (pytest-benchmark's
format, like any run, named ``selfcheck_<time>.json`` so it is never taken for the
newest run).
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
from ..errors import UserError
from ..results import storage_root, write_json_atomic
from ..stats import MET, NOT_MET, NOT_SHOWN, against_target, median_interval
from .client import CaseFailed, run_round, start_worker
from .config import check_results_folder
from .matrix import Case
from .options import name_list, positive_duration, positive_int
from .sampler import Sampler, summarize
from .server_handle import ServerHandle

TARGETS = {
    "noop_median_ms": 1.0,
    "sampler_ratio": 1.02,
    "sampler_cpu_pct": 3.0,
    "http_vs_ideal_at_50": 1.35,
    "server_cores": 0.5,
}


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


def parse(argv: list[str], parser_cls: type[argparse.ArgumentParser]) -> argparse.Namespace:
    parser = parser_cls(prog="bench selfcheck", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: seconds, for tests")
    parser.add_argument("--results", default="results", help="folder for the saved JSON (default: results)")
    parser.add_argument("--interval", type=positive_duration, default=0.05, help="sampling interval (default: 50ms)")
    parser.add_argument("--noop-rounds", type=positive_int, help="no-op rounds (default: 500; quick 50)")
    parser.add_argument("--pairs", type=positive_int, help="sampler on/off pairs (default: 20; quick 2)")
    parser.add_argument(
        "--cpu-n", type=positive_int, help="cpu countdown per round (default: 10_000_000; quick 200_000)"
    )
    parser.add_argument("--http-workers", type=str, default=None, help="http concurrencies (default: 50,200; quick 10)")
    parser.add_argument("--http-requests", type=positive_int, help="requests per round (default: 400; quick 40)")
    parser.add_argument("--http-latency", type=positive_duration, help="server delay (default: 20ms; quick 2ms)")
    parser.add_argument(
        "--http-executors",
        type=name_list(lambda: ["threads", "gevent", "asyncio"], "executor"),
        default=["asyncio", "gevent", "threads"],
        help="default: asyncio,gevent,threads",
    )
    args = parser.parse_args(argv)
    quick = args.quick
    defaults = {
        "noop_rounds": (500, 50),
        "pairs": (20, 2),
        "cpu_n": (10_000_000, 200_000),
        "http_requests": (400, 40),
        "http_latency": (0.020, 0.002),
    }
    for name, (full, small) in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, small if quick else full)
    from .options import int_list

    try:
        args.http_workers = int_list(args.http_workers or ("10" if quick else "50,200"))
    except argparse.ArgumentTypeError as exc:
        parser.error(f"argument --http-workers: {exc}")
    return args


Row = tuple[str, float, list[float] | None, str, str]  # what, measured, its 95% CI, target, verdict
REPORTED = "(reported)"


def judged(what: str, value: float, ci: list[float] | None, target: float, at_most: bool = True) -> Row:
    """One target row: judged on the interval where there is one, else on the measured point (said so)."""
    sign = "<=" if at_most else ">="
    if ci is not None:
        return (what, value, ci, f"{sign} {target:g}", against_target(ci[0], ci[1], target, at_most=at_most))
    met = value <= target if at_most else value >= target
    return (what, value, None, f"{sign} {target:g}", (MET if met else NOT_MET) + " (a single value)")


def verdicts(entries: list[dict[str, Any]]) -> list[Row]:
    """(what, measured, interval, target, verdict) for each target, and the figures only reported."""
    rows: list[Row] = []
    for item in entries:
        extra, check = item["extra_info"], item["param"]
        if check == "noop-roundtrip":
            rows.append(judged("no-op round trip, median ms", extra["median_ms"], extra.get("median_ms_ci95"), 1.0))
            rows.append(("no-op round trip, p99 ms", extra["p99_ms"], None, REPORTED, ""))
        elif check.endswith("-on"):
            executor = item["params"]["executor"]
            ci = extra.get("ratio_ci95")
            what = (
                f"sampler on/off ratio, {executor} w2 (median of {len(extra.get('pair_ratios') or [])} paired ratios)"
            )
            if ci is None:
                target = f"<= {TARGETS['sampler_ratio']:g}"
                rows.append((what, extra["ratio_on_off"], None, target, NOT_SHOWN + " (too few pairs: --pairs 20)"))
            else:
                rows.append(judged(what, extra["ratio_on_off"], ci, TARGETS["sampler_ratio"]))
            rows.append(
                judged(
                    f"sampler CPU, % of a core ({executor})", extra["sampler_cpu_pct"], None, TARGETS["sampler_cpu_pct"]
                )
            )
        elif check.startswith("server-"):
            workers = item["params"]["workers"]
            name = f"http {check[7:]}"
            if workers == 50:
                rows.append(
                    judged(
                        f"{name}: measured/ideal",
                        extra["vs_ideal"],
                        extra.get("vs_ideal_ci95"),
                        TARGETS["http_vs_ideal_at_50"],
                    )
                )
            else:
                rows.append((f"{name}: measured/ideal", extra["vs_ideal"], extra.get("vs_ideal_ci95"), REPORTED, ""))
            cores = extra["server_cores"] or 0.0
            rows.append(judged(f"{name}: server cores", cores, None, TARGETS["server_cores"]))
            rows.append(
                (f"{name}: server's own ms per request, p99", extra["server_overhead_ms"]["p99"], None, REPORTED, "")
            )
            rows.append((f"{name}: client latency ms p99", extra["client_latency_ms"]["p99"], None, REPORTED, ""))
    return rows


def text_table(rows: list[Row]) -> str:
    """The verdicts as aligned text (the harness prints without pandas: see the import contracts)."""
    cells = [("check", "measured", "95% CI", "target", "verdict")] + [
        (what, f"{value:.3f}", f"{ci[0]:.3f}-{ci[1]:.3f}" if ci else "", target, verdict)
        for what, value, ci, target, verdict in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(5)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in cells
    )


def main(argv: list[str], parser_cls: type[argparse.ArgumentParser]) -> int:
    args = parse(argv, parser_cls)
    check_results_folder(args.results)  # before minutes of measuring, not after
    try:
        entries = run_checks(args)
    except CaseFailed as exc:
        raise UserError(f"the self-check could not run: {exc.kind}: {exc}") from None
    save(entries, args, argv)
    return 0


def run_checks(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Every check, printed as it finishes, then the table."""
    print(f"Self-check on {machine.describe(machine.collect())}")
    entries = [check_roundtrip(args.noop_rounds)]
    print(f"  round trip: {entries[0]['extra_info']['median_ms']:.3f} ms median")
    for executor in ("threads", "processes"):
        entries += check_sampler(executor, args.cpu_n, args.pairs, args.interval)
        print(f"  sampler overhead ({executor}): ratio {entries[-1]['extra_info']['ratio_on_off']:.3f}")
    server = ServerHandle()
    try:
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
    finally:
        server.stop()
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
