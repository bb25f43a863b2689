"""The rounds of one case as ``benchmark.pedantic`` sees them: timed target, untimed setup and teardown.

For paired workloads, pedantic's untimed ``setup`` or ``teardown`` has the same
worker run one round of the workload sequentially (``baseline``), alternately
just before and just after, so every measured round has a baseline round right
beside it, in the same process, and speedups are ratios paired in time
(DESIGN decision 7).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .child import Child
from .client import CaseFailed, run_round

FIRST_ROUND_TIMEOUT_S = 120.0


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
