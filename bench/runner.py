"""One run of the matrix: the workers, the paired baseline rounds, the server, the journal, the saving.

``Run.measure`` is what each pytest-benchmark test calls. It starts the case's
worker, then lets ``benchmark.pedantic`` time rounds (send ``run``, wait for
``done``). For cpu and pipeline, pedantic's untimed ``setup`` or ``teardown`` has
the same worker run one round of the workload sequentially (``baseline``),
alternately just before and just after, so every measured round has a baseline
round right beside it, in the same process, and speedups are ratios paired in
time (DESIGN decision 7). A failed case becomes a journal entry, never a lost run.
"""

from __future__ import annotations

import os
import statistics
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pytest_benchmark import __version__ as pytest_benchmark_version
from pytest_benchmark.utils import get_machine_id

import workloads

from . import machine
from .child import Child, ChildError, python_argv
from .errors import UserError
from .matrix import Case, RunConfig
from .results import Journal, next_run_path, storage_root, write_json_atomic
from .sampler import Sampler, summarize
from .server_handle import ServerHandle

WORKER_START_TIMEOUT_S = 60.0
FIRST_ROUND_TIMEOUT_S = 120.0
CV_LIMIT = 0.05  # a case whose rounds vary more than this is marked unstable
BACKGROUND_LIMIT_CORES = 0.10  # ... or whose machine had this much other load


class CaseFailed(Exception):
    def __init__(self, kind: str, message: str, traceback: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.traceback = traceback


def start_worker(
    case: Case, context: dict[str, Any], timeout: float = WORKER_START_TIMEOUT_S, baseline: bool = False
) -> tuple[Child, dict[str, Any]]:
    """A ready worker for ``case`` and its ``ready`` message (start-up time, memory before the executor)."""
    child = Child(python_argv("bench.worker", case.worker_config(context, baseline)), f"the worker of {case.id}")
    try:
        ready = child.receive(timeout)
    except ChildError as exc:
        child.stop(polite=None)
        raise CaseFailed(exc.kind, f"worker did not start: {exc}", exc.traceback) from None
    except BaseException:  # Ctrl-C while it starts: it is in its own session, so stop it here
        child.stop(polite=None)
        raise
    if ready.get("event") != "ready":
        child.stop(polite=None)
        raise CaseFailed(
            ready.get("type", "StartError"), f"worker did not start: {ready.get('message')}", ready.get("traceback", "")
        )
    return child, ready


def run_round(child: Child, timeout: float, command: str = "run") -> dict[str, Any]:
    """One round in ``child`` (``run``, or ``baseline``): its ``done`` message, or CaseFailed."""
    child.send(command)
    try:
        message = child.receive(timeout)
    except ChildError as exc:
        raise CaseFailed(exc.kind, str(exc), exc.traceback) from None
    if message.get("event") == "error":
        raise CaseFailed(message.get("type", "Error"), message.get("message", ""), message.get("traceback", ""))
    if message.get("event") != "done":
        raise CaseFailed("ProtocolError", f"unexpected message {message!r}")
    if not message.get("verified"):
        raise CaseFailed(
            "NotVerified", f"result check failed: got {message.get('value')!r}, expected {message.get('expected')!r}"
        )
    return message


class Rounds:
    """The timed target and the untimed setup and teardown handed to ``benchmark.pedantic`` for one case."""

    def __init__(
        self, child: Child, paired: bool, timeout: float | None, mark: Callable[[], None] = lambda: None
    ) -> None:
        self.child = child
        self.mark = mark  # the sampler's exact tick at a round's edges
        self.paired = paired
        self.fixed_timeout = timeout
        self.windows: list[tuple[float, float]] = []
        self.messages: list[dict[str, Any]] = []
        self.baseline_s: list[float] = []

    def timeout(self, done: list[float] | None = None) -> float:
        """``--timeout``, else 120 s for a first round, then 10x the slowest so far (at least 10 s)."""
        if self.fixed_timeout is not None:
            return self.fixed_timeout
        if done is None:
            done = [end - start for start, end in self.windows]
        return max(10.0, 10 * max(done)) if done else FIRST_ROUND_TIMEOUT_S

    def _baseline_round(self) -> None:
        started = time.perf_counter()
        try:
            run_round(self.child, self.timeout(self.baseline_s), command="baseline")  # its own pace, not the case's
        except CaseFailed as exc:
            raise CaseFailed(exc.kind, f"the sequential baseline failed: {exc}", exc.traceback) from None
        self.baseline_s.append(time.perf_counter() - started)

    def before(self) -> None:
        """pedantic's setup (untimed): on even rounds, the paired baseline round just before this one.

        Baselines go before even rounds and after odd ones (B C C B B C ...), so a steady
        drift of the machine's speed favours neither the baseline nor the case.
        """
        self.mark()
        if self.paired and len(self.windows) % 2 == 0:
            self._baseline_round()
            self.mark()

    def after(self) -> None:
        """pedantic's teardown (untimed): on odd rounds, the paired baseline round just after this one."""
        self.mark()
        if self.paired and len(self.windows) % 2 == 0:  # the round just run was odd
            self._baseline_round()
            self.mark()

    def warm_up(self, rounds: int, seconds: float) -> int:
        """Untimed rounds until ``rounds`` are done and ``seconds`` have passed; how many ran.

        By time, not only by count: a fresh process here ran the countdown up to 35% slower
        for its first 1-3 s (a per-process effect: a new process starts slow again).
        """
        started, done = time.perf_counter(), 0
        while done < rounds or time.perf_counter() - started < seconds:
            self.before()
            self.run()
            self.after()
            done += 1
        return done

    def run(self) -> None:
        """pedantic's target: one round, timed by pytest-benchmark."""
        started = time.perf_counter()
        try:
            message = run_round(self.child, self.timeout())
        finally:
            self.windows.append((started, time.perf_counter()))
        self.messages.append(message)


def _median_of(dicts: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(d[key] for d in dicts) for key in dicts[0]} if dicts else {}


def case_figures(case: Case, rounds: Rounds, measured: int, data: list[float]) -> dict[str, Any]:
    """extra_info fields computed from the rounds (the sampler's come separately)."""
    messages = rounds.messages[-measured:]
    median_s = statistics.median(data)
    amount = float(messages[-1]["amount"])
    figures: dict[str, Any] = {
        "throughput": amount / median_s,
        "throughput_unit": workloads.get(case.workload).unit,
        "verified": all(m.get("verified") for m in messages),
        "worker_round_s_median": statistics.median(float(m["worker_s"]) for m in messages),
        "cv": statistics.stdev(data) / statistics.mean(data) if len(data) > 1 else 0.0,
    }
    if rounds.paired:
        base = rounds.baseline_s[-measured:]
        ratios = [b / c for b, c in zip(base, data, strict=True)]
        figures.update(
            speedup=statistics.median(ratios),
            speedup_rounds=ratios,
            baseline_s=base,
            speedup_basis="paired: a sequential round right before or after each round, alternately",
        )
    elif case.executor == "sequential" and case.workload != "http":
        figures.update(speedup=1.0, speedup_basis="the baseline itself")
    if case.workload == "http":
        ideal = float(messages[-1]["extra"]["ideal_s"])
        figures.update(
            ideal_s=ideal,
            vs_ideal=median_s / ideal if ideal > 0 else None,  # no ideal time with a zero latency
            latency_ms=_median_of([m["extra"]["latency_ms"] for m in messages]),
        )
    return figures


class Run:
    """The state of one run across all its cases (one pytest session)."""

    def __init__(self, config: RunConfig, argv: list[str]) -> None:
        self.config = config
        self.argv = argv
        self.started = datetime.now(UTC)
        self.storage = storage_root(Path(config.results), machine.gil_label()) / get_machine_id()
        self.journal = Journal(self.storage / f".journal-{os.getpid()}.jsonl")
        self.server: ServerHandle | None = None
        self.saved: Path | None = None
        self.benchmarks: list[dict[str, Any]] = []
        self.failed: list[dict[str, Any]] = []
        self.skipped: list[dict[str, Any]] = []

    def server_url(self) -> str:
        """The local server's address, starting it on first use; CaseFailed if it cannot start."""
        if self.server is None:
            try:
                self.server = ServerHandle(self.config.server_port)
            except UserError as exc:
                raise CaseFailed("ServerError", str(exc)) from None
        return self.server.url

    def measure(self, case: Case, benchmark: Any) -> None:
        """Run ``case`` under ``benchmark.pedantic`` and journal what came of it."""
        if case.skip:
            self.skipped.append({"name": case.id, "params": case.params, "reason": case.skip})
            pytest.skip(case.skip)
        benchmark.group = case.workload
        benchmark.params = case.params
        child: Child | None = None
        sampler: Sampler | None = None
        try:
            context = {"url": self.server_url()} if case.workload == "http" else {}
            boot = time.perf_counter()
            paired = case.paired and self.config.pairing
            child, ready = start_worker(case, context, baseline=paired)
            boot_s = time.perf_counter() - boot
            if self.config.sampling:
                sampler = Sampler(self.config.interval, child.tree, self.server.pid if self.server else None)
                sampler.start()
            rounds = Rounds(child, paired, self.config.timeout, sampler.mark if sampler else lambda: None)
            warmed = rounds.warm_up(self.config.warmup, self.config.warmup_seconds)
            if self.server is not None and case.workload == "http":
                self.server.stats(reset=True)  # count the measured rounds only
            benchmark.pedantic(
                rounds.run, setup=rounds.before, teardown=rounds.after, rounds=self.config.rounds, warmup_rounds=0
            )
            ticks = sampler.stop() if sampler else []
            extra = case_figures(case, rounds, self.config.rounds, list(benchmark.stats.stats.data))
            extra.update(startup_s=ready["startup_s"], worker_boot_s=boot_s, warmup_rounds=warmed)
            extra.update(self._resources(case, ready, sampler, summarize(ticks, rounds.windows[-self.config.rounds :])))
            extra["unstable"] = unstable_reasons(extra)
            benchmark.extra_info.update(extra)
        except CaseFailed as exc:
            self._record_failure(case, exc.kind, str(exc), exc.traceback)
            pytest.fail(f"{case.id}: {exc.kind}: {exc}", pytrace=False)
        except Exception as exc:  # a harness-side error is this case's failure too, never the run's end
            self._record_failure(case, type(exc).__name__, str(exc), traceback.format_exc())
            pytest.fail(f"{case.id}: {type(exc).__name__}: {exc}", pytrace=False)
        finally:
            if sampler is not None:
                sampler.stop()  # idempotent: a second stop only adds a tick
            if child is not None:
                child.stop()
        entry = benchmark.stats.as_dict(include_data=True)
        self.benchmarks.append(entry)
        self.journal.append({"kind": "benchmark", "entry": entry})

    def _resources(
        self, case: Case, ready: dict[str, Any], sampler: Sampler | None, sampled: dict[str, Any]
    ) -> dict[str, Any]:
        """The sampler's figures, memory per unit, and the server's own count for an http case."""
        units = workloads.get(case.workload)(case.workers, dict(case.values), {}).units()
        figures = {"units": units, **sampled}
        if sampled.get("peak_pss_bytes") and ready.get("base_pss_bytes"):
            # What each thread, process, greenlet or task added to the tree's memory. PSS, not USS:
            # a forked pool's pages stay shared with its parent, so they are no one's unique memory.
            figures["memory_per_unit_bytes"] = max(0, sampled["peak_pss_bytes"] - ready["base_pss_bytes"]) / units
        if sampler is not None:
            figures["sampler_cores"] = sampler.own_cores()
        if self.server is not None and case.workload == "http":
            figures["server"] = self.server.stats()
        return figures

    def _record_failure(self, case: Case, kind: str, message: str, traceback: str) -> None:
        failure = {
            "name": case.id,
            "params": case.params,
            "error": {"type": kind, "message": message, "traceback": traceback},
        }
        self.failed.append(failure)
        self.journal.append({"kind": "failed", "entry": failure})

    def close(self) -> None:
        """Stop every process this run started that outlives a case: the server."""
        if self.server is not None:
            self.server.stop()
            self.server = None

    def save(self, config: pytest.Config, interrupted: bool) -> Path | None:
        """Turn the journal into the run file (atomically); partial when interrupted."""
        entries = self.journal.entries()
        benchmarks = [e["entry"] for e in entries if e["kind"] == "benchmark"]
        failed = [e["entry"] for e in entries if e["kind"] == "failed"]
        if not benchmarks and not failed:
            self.journal.remove()
            return None
        machine_info = config.hook.pytest_benchmark_generate_machine_info(config=config)
        machine_info["bench"] = machine.collect()
        machine_info["bench_run"] = {
            "started": self.started.isoformat(),
            "argv": self.argv,
            "config": self.config.as_dict(),
            "partial": interrupted,
            "failed": failed,
            "skipped": self.skipped,
        }
        commit_info = config.hook.pytest_benchmark_generate_commit_info(config=config)
        output = {
            "machine_info": machine_info,
            "commit_info": commit_info,
            "benchmarks": benchmarks,
            "datetime": datetime.now(UTC).isoformat(),
            "version": pytest_benchmark_version,
        }
        path = next_run_path(self.storage, str(commit_info.get("id") or "unversioned"), interrupted)
        write_json_atomic(path, output)
        self.journal.remove()
        self.saved = path
        return path


def unstable_reasons(extra: dict[str, Any]) -> list[str]:
    """Why this case's figures deserve less trust; empty when none."""
    reasons = []
    if extra.get("cv", 0.0) > CV_LIMIT:
        reasons.append(f"rounds vary by {extra['cv']:.0%} (CV over {CV_LIMIT:.0%})")
    if (extra.get("background_cores") or 0.0) > BACKGROUND_LIMIT_CORES:
        reasons.append(
            f"other processes used {extra['background_cores']:.2f} cores (over {BACKGROUND_LIMIT_CORES:.2f})"
        )
    return reasons
