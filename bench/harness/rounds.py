"""The rounds of one case: its warm-up, then the measured rounds that count, each timed by the harness.

For paired workloads the same worker runs one round of the workload sequentially
(``baseline``), alternately just before and just after each round (B C C B B C
...), so every measured round has a baseline round right beside it, in the same
process, and speedups are ratios paired in time (DESIGN decision 7).

Warm-up ends in a steady state, not after a fixed time (DESIGN decision 11):
untimed rounds, with their baselines, go on until the last few have settled.

Measuring then goes on until the case's figure is sharp enough (``effort``), and
a round that other programs' load distorted is not counted but run again once
the machine is quiet (``load``). Which rounds count is the harness's decision,
so the harness times them (perf_counter around the round, as pytest-benchmark's
runner would) and hands the counted ones to pytest-benchmark afterwards
(``clock``).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from .child import Child
from .client import CaseFailed, run_round
from .effort import Effort, stop_reason
from .load import Guard, Reader, Redo, loaded, redo_budget, wait_quiet
from .options import (
    FIRST_ROUND_TIMEOUT_S,
    MIN_TIMEOUT_S,
    SETTLE_TOLERANCE,
    SETTLE_WINDOW,
    TIMEOUT_PER_SLOWEST,
)


def settled(values: Sequence[float], two_sided: bool = False) -> bool:
    """Whether a series of round figures has stopped moving: its last window's median against the window before.

    Times must no longer be falling (``two_sided``: paired ratios must no longer move either way).
    Medians of windows, not the spread of single rounds: a noisy machine would never show a tight
    window, and the noise is judged afterwards (figures.unstable_reasons); a warm-up only has to
    outlast the slow start. A fresh process here runs slow for its first seconds, and a processes
    case's first rounds were still ~48% slow after a 3 s warm-up: the end of the warm-up is read
    from the rounds themselves. A plateau of slow rounds cannot be told from its future end, so
    two windows are always needed.
    """
    if len(values) < 2 * SETTLE_WINDOW:
        return False
    last = statistics.median(values[-SETTLE_WINDOW:])
    before = statistics.median(values[-2 * SETTLE_WINDOW : -SETTLE_WINDOW])
    if last <= 0 or before <= 0:
        return False
    change = last / before - 1
    return abs(change) <= SETTLE_TOLERANCE if two_sided else change >= -SETTLE_TOLERANCE


def too_long_to_judge(done: int, elapsed: float, round_s: float, limit: float) -> bool:
    """Whether rounds of ``round_s`` (with their baselines) cannot fill the two windows ``settled`` compares
    before ``limit``, ``done`` of them run in ``elapsed`` seconds.

    Then waiting tells nothing: the case stops warming up unjudged instead of running to the limit
    and being marked unsettled (http at low concurrency: seconds-long rounds). Such rounds are past
    a fresh process's slow start, and their spread is still judged afterwards.
    """
    if done >= 2 * SETTLE_WINDOW:
        return False
    return elapsed + (2 * SETTLE_WINDOW - done) * round_s > limit


class Warmup(NamedTuple):
    """What a warm-up did: rounds run, seconds spent, and whether its rounds settled before the limit."""

    rounds: int
    seconds: float
    settled: bool | None  # None: not judged (no settling asked for, or rounds too long to judge within the limit)


class Measured(NamedTuple):
    """What measuring a case did: the rounds that count, those redone, and why it stopped."""

    kept: list[int]  # indexes of the counted rounds among all the case's rounds (``Rounds.windows``)
    redone: list[Redo]  # rounds not counted: other programs' load distorted them
    foreign: list[float | None]  # other programs' cores during each counted round (with its baseline)
    loaded: list[int]  # counted rounds over the load limit, kept once the redo budget was spent
    stopped: str  # effort.SHARP, CAP or EXACT
    seconds: float


class Rounds:
    """One case's rounds: run, timed and kept by the harness (and each paired with its baseline round)."""

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
        """``--timeout``, else a long wait for a first round, then a multiple of the slowest so far (options)."""
        if self.fixed_timeout is not None:
            return self.fixed_timeout
        if done is None:
            done = [end - start for start, end in self.windows]
        return max(MIN_TIMEOUT_S, TIMEOUT_PER_SLOWEST * max(done)) if done else FIRST_ROUND_TIMEOUT_S

    def _baseline_round(self) -> None:
        started = time.perf_counter()
        try:
            run_round(self.child, self.timeout(self.baseline_s), command="baseline")  # its own pace, not the case's
        except CaseFailed as exc:
            raise CaseFailed(exc.kind, f"the sequential baseline failed: {exc}", exc.traceback) from None
        self.baseline_s.append(time.perf_counter() - started)

    def before(self) -> None:
        """Before a round (untimed): on even rounds, the paired baseline round just before this one.

        Baselines go before even rounds and after odd ones (B C C B B C ...), so a steady
        drift of the machine's speed favours neither the baseline nor the case.
        """
        self.mark()
        if self.paired and len(self.windows) % 2 == 0:
            self._baseline_round()
            self.mark()

    def after(self) -> None:
        """After a round (untimed): on odd rounds, the paired baseline round just after this one."""
        self.mark()
        if self.paired and len(self.windows) % 2 == 0:  # the round just run was odd
            self._baseline_round()
            self.mark()

    def steady(self, since: int = 0) -> bool:
        """Whether the rounds from ``since`` on have settled: their times, and for a paired case its baseline
        rounds (measured too, in the same process) and the paired ratios."""
        times = [end - start for start, end in self.windows[since:]]
        if not self.paired:
            return settled(times)
        base = self.baseline_s[since:]
        ratios = [b / c for b, c in zip(base, times, strict=False) if c > 0]
        return settled(times) and settled(base) and settled(ratios, two_sided=True)

    def warm_up(self, rounds: int, seconds: float, limit: float = 0.0) -> Warmup:
        """Untimed rounds until ``rounds`` are done, ``seconds`` have passed and the rounds have settled.

        By time as well as by count (a fresh process's first calls of a function are slow on CPython 3.11:
        ``workloads.SPECIALIZE_AFTER_CALLS``; tools/warm_start.py measures what is left by time).
        Until settled (``steady``), but never past ``limit`` seconds (at least ``seconds``): a
        machine in a noisy phase may never settle, and the case then says so.
        """
        started, done = time.perf_counter(), 0
        since, since_base = len(self.windows), len(self.baseline_s)
        settling = limit > seconds
        while True:
            elapsed = time.perf_counter() - started
            if done >= rounds and elapsed >= seconds:
                if not settling:
                    return Warmup(done, elapsed, None)
                if self.steady(since):
                    return Warmup(done, elapsed, True)
                spent = sum(end - start for start, end in self.windows[since:]) + sum(self.baseline_s[since_base:])
                if too_long_to_judge(done, elapsed, spent / max(done, 1), limit):
                    return Warmup(done, elapsed, None)
                if elapsed >= limit:
                    return Warmup(done, elapsed, False)
            self.before()
            self.run()
            self.after()
            done += 1

    def round_time(self, index: int) -> float:
        start, end = self.windows[index]
        return end - start

    def figures(self, kept: list[int]) -> list[float]:
        """The deciding figure of each counted round: its paired ratio (baseline / round), else its time."""
        if self.paired:
            return [self.baseline_s[i] / self.round_time(i) for i in kept if self.round_time(i) > 0]
        return [self.round_time(i) for i in kept]

    def measure(self, effort: Effort, read: Reader | None = None, guard: Guard | None = None) -> Measured:
        """Rounds until ``effort`` says stop; one whose unit (round and baseline) other programs loaded is redone.

        ``read`` gives other programs' cores over a window (None: not sampled, nothing redone). Redone
        rounds are bounded (``load.redo_budget``), and so is each wait for quiet; past the budget a loaded
        round counts, and is listed as such, so the verdict can say how the machine's load bent it.
        """
        guard = guard or Guard()
        started = time.perf_counter()
        kept: list[int] = []
        redone: list[Redo] = []
        foreign: list[float | None] = []
        over: list[int] = []
        budget = redo_budget(effort.floor)
        while True:
            index, unit_start = len(self.windows), time.perf_counter()
            self.before()
            self.run()
            self.after()
            unit_end = time.perf_counter()
            load = read(unit_start, unit_end) if read is not None else None
            if read is not None and loaded(load, guard.cores, unit_end - unit_start, guard.limit):
                assert load is not None
                if len(redone) < budget:
                    waited, quiet = wait_quiet(read, guard)
                    redone.append(Redo(index, load, waited, quiet))
                    continue
                over.append(index)
            kept.append(index)
            foreign.append(load)
            reason = stop_reason(self.figures(kept), effort)
            if reason is not None:
                return Measured(kept, redone, foreign, over, reason, time.perf_counter() - started)

    def run(self) -> None:
        """One round of the case, timed from here (the harness decides later whether it counts)."""
        started = time.perf_counter()
        try:
            message = run_round(self.child, self.timeout())
        finally:
            self.windows.append((started, time.perf_counter()))
        self.messages.append(message)
