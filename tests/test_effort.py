"""How many rounds a case gets, and which count: adaptive effort and redone rounds, with fakes (no worker)."""

from __future__ import annotations

import itertools
import time
from typing import Any

import pytest

from bench.harness import effort, load
from bench.harness.effort import Effort, half_width, stop_reason
from bench.harness.rounds import Rounds


def test_the_floor_always_then_sharp_or_the_cap() -> None:
    rule = Effort(floor=4, cap=8, precision=0.05)
    agreeing = [1.90, 1.91, 1.89, 1.90]
    assert stop_reason(agreeing[:3], rule) is None  # under the floor: measure on, however sharp
    assert stop_reason(agreeing, rule) == effort.SHARP
    scattered = [1.0, 1.6, 0.8, 1.4]
    assert stop_reason(scattered, rule) is None  # not sharp yet: another round
    assert stop_reason(scattered * 2, rule) == effort.CAP
    assert stop_reason(scattered, Effort(4, 4, 0.05)) == effort.EXACT  # --max-rounds = --rounds: exactly so many


def test_half_width_is_relative_to_the_median() -> None:
    width = half_width([10.0, 10.0, 10.0, 10.0])
    assert width == 0.0
    assert half_width([1.0]) is None
    wide = half_width([1.0, 2.0, 3.0, 4.0, 5.0])
    assert wide is not None and wide > 0.2
    with pytest.raises(ValueError, match="cap"):
        Effort(floor=5, cap=4, precision=0.05)


def test_margin_and_loaded_allow_for_the_kernels_ticks() -> None:
    assert load.margin(cores=2, wall=1.0) == pytest.approx(0.02)
    assert load.margin(cores=2, wall=0.1) == pytest.approx(0.2)
    assert load.loaded(0.5, cores=2, wall=1.0, limit=0.2)
    assert not load.loaded(0.3, cores=2, wall=0.1, limit=0.2)  # a short window reads noisily: not proof
    assert not load.loaded(None, cores=2, wall=1.0, limit=0.2)


def test_the_wait_for_quiet_ends_when_quiet_or_at_its_bound() -> None:
    now = [0.0]

    def clock() -> float:
        return now[0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    busy_until = 0.75
    quiet, waited = load.wait_quiet(
        lambda start, end: 0.9 if start < busy_until else 0.0,
        load.Guard(limit=0.2, cores=2, bound_s=5.0, window_s=0.5),
        clock=clock,
        sleep=sleep,
    )[::-1]
    assert quiet and waited == pytest.approx(1.3)  # the first half-second window wholly after the load
    now[0] = 0.0
    waited, quiet = load.wait_quiet(lambda start, end: 0.9, load.Guard(0.2, 2, 2.0, 0.5), clock=clock, sleep=sleep)
    assert not quiet and waited == pytest.approx(2.0)


class FakeChild:
    """A worker whose every round takes 50 ms of waiting (long enough a window to judge its load)."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.hung = False

    def send(self, line: str) -> None:
        self.sent.append(line)

    def receive(self, timeout: float) -> dict[str, Any]:
        time.sleep(0.05)
        return {"event": "done", "verified": True, "worker_s": 0.0, "amount": 1, "extra": {}}


def test_a_loaded_round_is_redone_after_a_wait_and_then_counted_clean() -> None:
    child = FakeChild()
    rounds = Rounds(child, paired=True, timeout=None)  # type: ignore[arg-type]
    loads = itertools.chain([0.9, 0.9], itertools.repeat(0.0))  # two units loaded, then quiet

    def read(start: float, end: float) -> float:
        return next(loads) if end > start else 0.0  # a unit's window, scripted; the waits (empty windows) quiet

    guard = load.Guard(limit=0.2, cores=2, bound_s=0.05, window_s=0.0)
    measured = rounds.measure(Effort(2, 2, 0.05), read, guard)
    assert [redo.round for redo in measured.redone] == [0, 1]
    assert measured.kept == [2, 3] and measured.loaded == [] and measured.stopped == effort.EXACT
    assert child.sent.count("baseline") == 4  # every round, redone ones too, had its paired baseline


def test_past_the_redo_budget_a_loaded_round_counts_and_is_named() -> None:
    rounds = Rounds(FakeChild(), paired=False, timeout=None)  # type: ignore[arg-type]
    guard = load.Guard(limit=0.2, cores=2, bound_s=0.01, window_s=0.0)
    measured = rounds.measure(Effort(2, 2, 0.05), lambda start, end: 0.9, guard)
    assert len(measured.redone) == load.redo_budget(2) == 2
    assert measured.kept == [2, 3] and measured.loaded == [2, 3]
    assert measured.foreign == [0.9, 0.9]
