"""A workload that fails on purpose, to prove a broken case costs nothing else.

Hidden from the default matrix; the harness's tests run it. ``mode`` picks the
failure, ``after`` how many good rounds come first. ``deadlock`` is the
tutorial's two-lock example, made certain: two units each take one of two
locks, meet (each sets its event and waits for the other's), then ask for the
other's lock, and wait forever. The harness sees no progress, kills the
worker's whole process tree and records the case as hung; the run goes on.
(gevent notices by itself: with every greenlet blocked and nothing left to
wait for, it raises LoopExit, and the case fails with that instead.)
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Mapping
from typing import Any

from . import CAPABILITIES, EVENT, LOCK, AsyncExecutor, Outcome, Param, SyncExecutor, Workload, offered, register

MODES = ("none", "raise", "exit", "hang", "kill", "wrong", "deadlock")
DEADLOCK = MODES.index("deadlock")


def grab(first: Any, second: Any, mine: Any, theirs: Any) -> int:
    """One side of the deadlock: hold ``first``, meet the other side, then want ``second`` (which it holds)."""
    with first:
        mine.set()
        theirs.wait()  # both sides now hold their first lock
        with second:
            return 1


async def grab_async(first: Any, second: Any, mine: Any, theirs: Any) -> int:
    async with first:
        mine.set()
        await theirs.wait()
        async with second:
            return 1


@register
class Fault(Workload):
    name = "fault"
    unit = "rounds/s"
    hidden = True
    params = (
        Param("mode", "int", 1, 1, "failure: " + ", ".join(f"{i}={m}" for i, m in enumerate(MODES))),
        Param("after", "count0", 0, 0, "good rounds before the failure"),
    )
    rounds_done = 0

    @property
    def deadlocks(self) -> bool:
        return int(self.p["mode"]) % len(MODES) == DEADLOCK

    def units(self) -> int:
        return max(2, self.workers) if self.deadlocks else self.workers

    def lacks(self, offers: Mapping[str, str]) -> list[str]:
        needed = (LOCK, EVENT) if self.deadlocks else ()
        return [CAPABILITIES[need] for need in needed if not offered(need, offers)]

    def uses(self, offers: Mapping[str, str]) -> dict[str, int]:
        return {LOCK: 2, EVENT: 2} if self.deadlocks else {}

    def _failing(self) -> bool:
        self.rounds_done += 1
        return self.rounds_done > int(self.p["after"])

    def _round(self) -> Outcome:
        mode = MODES[int(self.p["mode"]) % len(MODES)]
        if self._failing():
            if mode == "raise":
                raise RuntimeError("fault workload raised on purpose")
            if mode == "exit":
                os._exit(3)
            if mode == "hang":
                time.sleep(3600)
            if mode == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            if mode == "wrong":
                return Outcome(value=1, expected=0, amount=1)
        return Outcome(value=0, expected=0, amount=1)

    def run_sync(self, ex: SyncExecutor) -> Outcome:
        if self.deadlocks:
            if not self._failing():
                return Outcome(value=0, expected=0, amount=1)
            first, second, one, other = ex.shared(LOCK, 0), ex.shared(LOCK, 1), ex.shared(EVENT, 0), ex.shared(EVENT, 1)
            sides = [ex.submit(grab, first, second, one, other), ex.submit(grab, second, first, other, one)]
            return Outcome(value=sum(side.result() for side in sides), expected=2, amount=1)
        return self._round()

    async def run_async(self, ex: AsyncExecutor) -> Outcome:
        if self.deadlocks:
            if not self._failing():
                return Outcome(value=0, expected=0, amount=1)
            first, second, one, other = ex.shared(LOCK, 0), ex.shared(LOCK, 1), ex.shared(EVENT, 0), ex.shared(EVENT, 1)
            sides = [
                ex.submit(grab_async(first, second, one, other)),
                ex.submit(grab_async(second, first, other, one)),
            ]
            return Outcome(value=sum([await side for side in sides]), expected=2, amount=1)
        return self._round()
