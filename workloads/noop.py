"""The no-op: one round that does nothing, to measure the harness's own round trip."""

from __future__ import annotations

from . import AsyncExecutor, Outcome, SyncExecutor, Workload, register


@register
class Noop(Workload):
    name = "noop"
    unit = "rounds/s"
    hidden = True

    def run_sync(self, ex: SyncExecutor) -> Outcome:
        return Outcome(value=0, expected=0, amount=1)

    async def run_async(self, ex: AsyncExecutor) -> Outcome:
        return Outcome(value=0, expected=0, amount=1)
