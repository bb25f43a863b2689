"""Foreign load: CPU that other programs took while a round ran, measured per round and acted on (DESIGN 12).

The sampler sees every core's busy time and the case's own process tree (and the
server's and the harness's), so busy time that is none of those is another
program's. A round during which other programs used more than ``LIMIT_CORES``
is not counted: the harness waits, bounded, for the machine to quiet down and
runs it again. On a 2-core machine one busy program turned "processes 1.7-2.0x"
into "no executor is clearly faster than sequential": a case that uses every core
loses exactly what the other program takes.

The kernel counts CPU time in 10 ms ticks, per core and per process, so a short
window reads noisily: a window of ``wall`` seconds on ``n`` cores can be off by
about ``n * TICK_S / wall`` cores with nothing else running. That margin is added
to the limit, so a round too short to judge on its own is judged only when its
load was unmistakable (the unit of judgement is a round with its paired
baseline, which doubles the window).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from .options import LOAD_LIMIT_CORES, QUIET_WAIT_S, QUIET_WINDOW_S, REDO_SHARE

TICK_S = 0.01  # the kernel's accounting grain (USER_HZ = 100)
POLL_S = 0.1  # how often the wait for quiet looks again

#: Foreign cores over a window of the sampler's clock (start, end), or None where nothing was sampled.
Reader = Callable[[float, float], "float | None"]


def margin(cores: int, wall: float) -> float:
    """How far off a window's foreign load can read with nothing else running (10 ms ticks on every core)."""
    return cores * TICK_S / max(wall, 1e-9)


def loaded(foreign: float | None, cores: int, wall: float, limit: float = LOAD_LIMIT_CORES) -> bool:
    """Whether a window's foreign load is over the limit by more than its reading's grain."""
    return foreign is not None and foreign > limit + margin(cores, wall)


@dataclass(frozen=True)
class Redo:
    """One measured round that was not counted: when, how loaded, and how long the harness then waited."""

    round: int  # its index among the case's rounds (warm-up included)
    foreign_cores: float
    waited_s: float  # until the machine was quiet, or the wait's bound
    quiet: bool  # whether the machine was quiet when the wait ended

    def record(self) -> dict[str, float | int | bool]:
        return {
            "round": self.round,
            "foreign_cores": round(self.foreign_cores, 3),
            "waited_s": round(self.waited_s, 2),
            "quiet": self.quiet,
        }


@dataclass(frozen=True)
class Guard:
    """What counts as loaded, and how long to wait for quiet: the run's options and the machine's cores."""

    limit: float = LOAD_LIMIT_CORES
    cores: int = 1
    bound_s: float = QUIET_WAIT_S  # the longest wait for quiet, each time
    window_s: float = QUIET_WINDOW_S  # quiet means: this long without load over the limit


def wait_quiet(
    read: Reader,
    guard: Guard,
    clock: Callable[[], float] = time.perf_counter,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[float, bool]:
    """Wait until the last ``guard.window_s`` were quiet, or ``guard.bound_s`` passed: (seconds waited, quiet).

    The case's worker is idle meanwhile, so whatever the machine does is someone else's.
    """
    started = clock()
    while True:
        sleep(POLL_S)
        now = clock()
        window = guard.window_s
        if now - started >= window and not loaded(read(now - window, now), guard.cores, window, guard.limit):
            return now - started, True
        if now - started >= guard.bound_s:
            return now - started, False


def redo_budget(rounds: int) -> int:
    """How many rounds of a case may be redone: a share of its floor of rounds, at least one."""
    return max(1, round(REDO_SHARE * rounds))
