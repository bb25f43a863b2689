"""CPU, memory and context switches, sampled from the harness while a case runs.

A thread in the harness process (never in the measured one) reads cumulative
counters at a fixed interval: busy time per core for the whole machine, and CPU
time, threads, context switches and memory of the worker's process tree, the
HTTP server and the harness itself. Rates come from differences of cumulative
``cpu_times()``, not from ``cpu_percent()``, whose 10 ms kernel ticks make short
windows read 0/33/50/67/100 (see ENVIRONMENT.md). ``summarize`` turns the ticks
and the measured rounds' time windows into the figures saved per case.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import psutil

TREE_REFRESH_TICKS = 10  # look for new descendants every this many ticks (it scans /proc)
FULL_EVERY_TICKS = 5  # memory, threads and context switches (the costly reads) every 5th tick and at marks
RSS_STEP = 256 * 1024  # ... and a process's PSS/USS (smaps_rollup, costly) again only once its RSS moved this much
MIN_WALL_S = 0.5  # measured time below which the background load is not estimated (10 ms ticks)


@dataclass
class Tick:
    t: float  # time.perf_counter(), the harness's clock for the rounds too
    core_busy: list[float]  # cumulative non-idle seconds per logical core
    tree_cpu: float  # cumulative user+system seconds of the worker tree
    tree_ctx: int  # cumulative voluntary+involuntary context switches of the tree; -1 where not read
    tree_threads: int
    tree_rss: int
    tree_uss: int  # 0 where not read on this tick (as threads and RSS)
    server_cpu: float
    harness_cpu: float
    tree_pss: int = 0  # proportional memory: shared pages split among sharers (a forked pool's true cost)
    tree_reaped: float = 0.0  # cumulative CPU seconds of the tree's children that ended and were reaped


def _busy(times: Any) -> float:
    idle = times.idle + getattr(times, "iowait", 0.0)
    return float(sum(times) - idle - getattr(times, "guest", 0.0) - getattr(times, "guest_nice", 0.0))


def _cpu(proc: psutil.Process | None) -> float:
    if proc is None:
        return 0.0
    try:
        times = proc.cpu_times()
        return float(times.user + times.system)
    except psutil.Error:
        return 0.0


@dataclass
class Sampler:
    """Samples every ``interval`` seconds on a daemon thread between ``start()`` and ``stop()``."""

    interval: float
    tree: Callable[[], list[psutil.Process]]
    server_pid: int | None = None
    ticks: list[Tick] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._procs: list[psutil.Process] = []
        self._last: dict[int, tuple[float, int]] = {}  # pid -> (cpu, ctx): the dead keep counting
        self._reaped: dict[
            int, float
        ] = {}  # pid -> CPU of its reaped children (a unit that starts and ends in a round)
        self._memory_of: dict[int, tuple[int, int, int]] = {}  # pid -> (RSS, USS, PSS) at its last full read
        self._server = psutil.Process(self.server_pid) if self.server_pid else None
        self._harness = psutil.Process(os.getpid())
        self._count = 0
        self._lock = threading.Lock()  # the sampler thread and ``mark`` both sample
        self.cpu_s = 0.0  # the sampler's own CPU time, in whichever thread sampled
        self.started_at = time.perf_counter()

    def mark(self) -> None:
        """Sample everything now, from the caller's thread: at round edges, outside the timing."""
        self.sample(full=True, exact=True)

    def sample(self, full: bool = False, exact: bool = False) -> Tick:
        """Take one tick and keep it (in time order, whichever thread calls)."""
        with self._lock:
            cpu_before = time.thread_time()
            tick = self._sample(full or self._count % FULL_EVERY_TICKS == 0, exact)
            self.ticks.append(tick)
            self.cpu_s += time.thread_time() - cpu_before
            return tick

    def _memory(self, proc: psutil.Process, rss: int, exact: bool) -> tuple[int, int]:
        """(USS, PSS) of ``proc``: read again only at marks (``exact``) or once its RSS moved by RSS_STEP.

        Reading them walks the process's page tables (smaps_rollup), by far the costliest read of
        a sample (``python tools/speedup_gap.py --sampler-cost``). While a case uses every core,
        that CPU comes out of the case's own rounds (issue 10: the processes speedup at workers =
        cores), so the reads between marks are skipped while the cheap RSS says the memory has
        not moved.
        """
        known = self._memory_of.get(proc.pid)
        if exact or known is None or abs(rss - known[0]) >= RSS_STEP:
            memory = proc.memory_full_info()
            known = (rss, memory.uss, getattr(memory, "pss", 0))
            self._memory_of[proc.pid] = known
        return known[1], known[2]

    def _sample(self, full: bool, exact: bool = False) -> Tick:
        if self._count % TREE_REFRESH_TICKS == 0:
            self._procs = self.tree()
        self._count += 1
        threads = rss = uss = pss = 0
        for proc in self._procs:
            try:
                with proc.oneshot():
                    times = proc.cpu_times()
                    cpu, switches = times.user + times.system, self._last.get(proc.pid, (0.0, 0))[1]
                    self._reaped[proc.pid] = times.children_user + times.children_system
                    if full:
                        counts = proc.num_ctx_switches()
                        switches = counts.voluntary + counts.involuntary
                        threads += proc.num_threads()
                        own_rss = proc.memory_info().rss
                        own_uss, own_pss = self._memory(proc, own_rss, exact)
                        rss, uss, pss = rss + own_rss, uss + own_uss, pss + own_pss
                self._last[proc.pid] = (cpu, switches)
            except psutil.Error:
                pass  # gone since the last refresh: its last counts stay in _last
        return Tick(
            t=time.perf_counter(),
            core_busy=[_busy(c) for c in psutil.cpu_times(percpu=True)],
            tree_cpu=sum(cpu for cpu, _ in self._last.values()),
            tree_ctx=sum(ctx for _, ctx in self._last.values()) if full else -1,
            tree_threads=threads,
            tree_rss=rss,
            tree_uss=uss,
            tree_pss=pss,
            server_cpu=_cpu(self._server),
            harness_cpu=_cpu(self._harness),
            tree_reaped=sum(self._reaped.values()),
        )

    def _loop(self) -> None:
        next_at = time.perf_counter() + self.interval
        while not self._stop.wait(max(0.0, next_at - time.perf_counter())):
            self.sample()
            next_at = max(next_at + self.interval, time.perf_counter())

    def start(self) -> None:
        self.started_at = time.perf_counter()
        self.sample()
        self._thread = threading.Thread(target=self._loop, name="bench-sampler", daemon=True)
        self._thread.start()

    def own_cores(self) -> float:
        """The sampler's CPU use so far, in cores (0.01 = 1% of one core)."""
        return self.cpu_s / max(1e-9, time.perf_counter() - self.started_at)

    def foreign(self, start: float, end: float) -> float | None:
        """Other programs' cores over ``start``-``end`` (the sampler's clock), or None with too few ticks.

        Sampled afresh when ``end`` is past the last tick, so a wait for quiet reads the present.
        """
        with self._lock:
            last = self.ticks[-1].t if self.ticks else None
        if last is None or end > last:
            self.sample()
        with self._lock:
            ticks = list(self.ticks)
        if len(ticks) < 2 or end <= start:
            return None
        return foreign_cores(ticks, [(start, end)])

    def stop(self) -> list[Tick]:
        """Stop sampling (once; later calls only return the ticks)."""
        if not self._stop.is_set():
            self._stop.set()
            if self._thread is not None:
                self._thread.join()
            self.sample()  # so the last round is bracketed
        return self.ticks


def summarize(ticks: list[Tick], windows: list[tuple[float, float]], timeline_rows: int = 400) -> dict[str, Any]:
    """Per-case figures over the measured rounds' ``windows`` (start, end) on the tick clock."""
    if len(ticks) < 2 or not windows:
        return {}
    ticks = sorted(ticks, key=lambda tick: tick.t)
    return {**window_figures(ticks, windows), **peaks(ticks), "timeline": timeline(ticks, windows, timeline_rows)}


def _over(t: Any, series: Any, windows: list[tuple[float, float]]) -> float:
    """How much a cumulative ``series`` (at times ``t``) grew inside the windows."""
    return float(sum(np.interp(end, t, series) - np.interp(start, t, series) for start, end in windows))


def foreign_cores(ticks: list[Tick], windows: list[tuple[float, float]]) -> float:
    """Busy time of every core that is neither the worker tree, the server nor the harness, per second of windows.

    The tree's own short-lived children (a unit that starts and ends within a round: spawn) may come and go
    between two scans of the tree; their CPU, once reaped, is their parent's "children" time, which counts
    as the tree's here (a child also seen alive is then counted twice: the estimate errs towards no load).
    """
    t = np.array([tick.t for tick in ticks])
    wall = sum(end - start for start, end in windows)
    machine = _over(t, [sum(tick.core_busy) for tick in ticks], windows)
    ours = sum(
        _over(t, [getattr(tick, name) for tick in ticks], windows)
        for name in ("tree_cpu", "tree_reaped", "server_cpu", "harness_cpu")
    )
    return min(float(len(ticks[0].core_busy)), max(0.0, machine - ours) / wall)


def window_figures(ticks: list[Tick], windows: list[tuple[float, float]]) -> dict[str, Any]:
    """Rates over the windows, from the cumulative counters: cores used by the tree, each core, the rest."""
    t = np.array([tick.t for tick in ticks])
    wall = sum(end - start for start, end in windows)
    tree_series = np.array([tick.tree_cpu for tick in ticks])
    tree_cpu = _over(t, tree_series, windows)
    server_cpu = _over(t, [tick.server_cpu for tick in ticks], windows)
    harness_cpu = _over(t, [tick.harness_cpu for tick in ticks], windows)
    cores = np.array([tick.core_busy for tick in ticks])
    machine_busy = [_over(t, cores[:, i], windows) for i in range(cores.shape[1])]
    counted = [tick for tick in ticks if tick.tree_ctx >= 0]  # context switches are read on full ticks only
    switches = _over([k.t for k in counted], [k.tree_ctx for k in counted], windows) if len(counted) >= 2 else 0.0
    return {
        "effective_cores": tree_cpu / wall,
        # Per round too (marks bracket each round exactly): compare's paired figure, resampled like the rounds.
        "effective_cores_rounds": [
            round(_over(t, tree_series, [(start, end)]) / (end - start), 4) for start, end in windows if end > start
        ],
        # The kernel counts in 10 ms ticks: over short rounds a core can read above 100%; it cannot be.
        "per_core_mean": [round(min(100.0, busy / wall * 100), 1) for busy in machine_busy],
        "machine_busy_cores": min(float(len(machine_busy)), sum(machine_busy) / wall),
        "server_cores": server_cpu / wall,
        "harness_cores": harness_cpu / wall,
        # Busy time that is neither the worker tree, the server nor the harness: other load.
        # The kernel counts in 10 ms ticks, so under MIN_WALL_S of rounds it cannot be told.
        "background_cores": foreign_cores(ticks, windows) if wall >= MIN_WALL_S else None,
        "ctx_switches_per_s": switches / wall,
    }


def peaks(ticks: list[Tick]) -> dict[str, int]:
    """The most memory and threads the tree had at once (USS and PSS where they were read)."""
    uss = [tick.tree_uss for tick in ticks if tick.tree_uss]
    pss = [tick.tree_pss for tick in ticks if tick.tree_pss]
    return {
        "peak_rss_bytes": max(tick.tree_rss for tick in ticks),
        "peak_uss_bytes": max(uss) if uss else 0,
        "peak_pss_bytes": max(pss) if pss else 0,
        "peak_threads": max(tick.tree_threads for tick in ticks),
    }


def timeline(ticks: list[Tick], windows: list[tuple[float, float]], rows: int) -> dict[str, Any]:
    """Each core's busy % per tick interval inside the windows (at most ``rows`` of them), on measured time.

    A tick interval belongs to a round when its middle does: the edge ticks are taken (by ``mark``)
    a few microseconds outside the timed window.
    """
    t = np.array([tick.t for tick in ticks])
    cores = np.array([tick.core_busy for tick in ticks])
    inside = [
        i
        for i in range(1, len(ticks))
        if t[i] > t[i - 1] and any(start <= (t[i - 1] + t[i]) / 2 <= end for start, end in windows)
    ]
    kept = inside[:: max(1, len(inside) // rows)]
    shown = [np.clip((cores[i] - cores[i - 1]) / (t[i] - t[i - 1]) * 100, 0, 100) for i in kept]
    elapsed, measured = [], 0.0
    for i in inside:
        measured += t[i] - t[i - 1]
        if i in kept:
            elapsed.append(round(float(measured), 3))
    return {"t_s": elapsed, "per_core_pct": [[round(float(v)) for v in row] for row in shown]}
