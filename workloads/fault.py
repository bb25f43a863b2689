"""A workload that fails on purpose, to prove a broken case costs nothing else.

Hidden from the default matrix; the harness's tests run it. ``mode`` picks the
failure, ``after`` how many good rounds come first.
"""

from __future__ import annotations

import os
import signal
import time

from . import AsyncExecutor, Outcome, Param, SyncExecutor, Workload, register

MODES = ("none", "raise", "exit", "hang", "kill", "wrong")


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

    def _round(self) -> Outcome:
        self.rounds_done += 1
        mode = MODES[int(self.p["mode"]) % len(MODES)]
        if self.rounds_done > int(self.p["after"]):
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
        return self._round()

    async def run_async(self, ex: AsyncExecutor) -> Outcome:
        return self._round()
