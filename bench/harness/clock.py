"""The clock pytest-benchmark reads: the harness's own round times, replayed.

The harness decides which rounds count (a round that other programs' load
distorted is run again, DESIGN 12) and how many to run (until the case's figure
is sharp enough, DESIGN 13); pedantic's fixed count cannot. So rounds are timed
by the harness (perf_counter around each, as pytest-benchmark's runner does),
and the counted ones are then handed to pytest-benchmark: ``record`` has pedantic
run ``replay`` once per counted round and read its duration from ``now``, which
only ``replay`` advances, by that round's measured time. pytest-benchmark keeps
its statistics and its format (``--benchmark-timer`` names this clock, so a saved
run says where its times came from); the numbers are the measured ones.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import Any

TIMER = f"{__name__}.now"  # what the run passes as --benchmark-timer
_elapsed = 0.0
_queue: deque[float] = deque()


def now() -> float:
    """The replayed clock: the sum of the round times replayed so far."""
    return _elapsed


def replay() -> None:
    """pedantic's target: one counted round, as long as it was measured."""
    global _elapsed
    _elapsed += _queue.popleft()


def record(benchmark: Any, durations: Sequence[float]) -> None:
    """Hand the counted rounds' ``durations`` (seconds) to pytest-benchmark through ``benchmark.pedantic``."""
    _queue.clear()
    _queue.extend(durations)
    benchmark.pedantic(replay, rounds=len(durations), warmup_rounds=0)
    if _queue:  # pedantic ran fewer rounds than it was given: its figures would not be these rounds'
        raise RuntimeError(f"pytest-benchmark replayed {len(durations) - len(_queue)} of {len(durations)} rounds")
