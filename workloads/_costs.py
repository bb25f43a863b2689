"""What the workloads that time one operation inside their rounds share: a cost per kind of a primitive.

``switch`` (handoffs), ``ipc`` (channels) and ``spawn`` (ways to start a unit) each
measure every kind of their ``family`` that the executor offers, judged as costs
and drawn as dots per kind; workers are not used, and the operations are timed
inside the round, so a short warm-up is enough.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from . import COST, COSTS, Workload, kinds


class CostPerKind(Workload):
    """Base of a workload that times one operation per kind of ``family`` ("handoff:", "channel:", "start:")."""

    family: ClassVar[str]  # the primitive family whose kinds are measured; the workload needs one at least
    judged_by = COST
    figure = COSTS
    core_bound = False
    default_workers = (1,)
    warmup_seconds = 0.5

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.needs = (cls.family,)

    def kinds(self) -> list[str]:
        """The kinds of the family this executor offers, in its own order."""
        return kinds(self.family, self.offers)

    def uses(self, offers: Mapping[str, str]) -> dict[str, int]:
        return {kind: 1 for kind in kinds(self.family, offers)}
