"""Physics checks the statistics (DESIGN 14): effective cores do not move with the CPU's speed phases.

For work bound to the CPU, a case cannot run faster than the cores it used allow:
a paired speedup well above its effective cores (sequential uses one) means the
machine's speed changed between its rounds and their baselines, and two cases
that used one core and two cannot be "tied" unless each core of the second ran
at half speed. Either is a measurement problem, never a verdict.
"""

from __future__ import annotations

from ... import BASELINE
from .model import Best, Group

SLACK = 0.15  # a speedup up to 15% above its cores is noise (paired ratios here vary by a few %, cores by ~5%)
ONE_CORE = 1.3  # effective cores under this: about one core
MANY_CORES = 1.5  # ... at least this: several (from here "speed each core kept" means something)
BUSY_CORE = 0.8  # a sequential case using at least this much of a core is bound to the CPU


def core_bound(group: Group) -> bool:
    """Whether the work is bound to the CPU: its facts say so, and its sequential case kept a core busy.

    A user's function is taken as CPU-bound until measured (its facts cannot know): one whose sequential
    rounds used 0.06 cores mostly waits, and a speedup far above its cores is then no measurement problem.
    """
    if not group.about["core_bound"]:
        return False
    base = group.rows[(group.rows["executor"] == BASELINE) & group.rows["effective_cores"].notna()]
    return base.empty or float(base["effective_cores"].iloc[0]) >= BUSY_CORE


def beyond_cores(group: Group, best: Best) -> bool:
    """Whether a CPU-bound case's speedup is more than its effective cores allow (sequential: one core)."""
    cores = best.effective_cores
    if not core_bound(group) or cores is None or best.baseline:
        return False
    return best.estimate.value > max(cores, 1.0) * (1 + SLACK) if cores > 0 else False


def cores_apart(group: Group, one: Best, other: Best) -> bool:
    """Whether one case used about one core and the other several, on CPU-bound work."""
    cores = sorted(c for c in (one.effective_cores, other.effective_cores) if c is not None)
    return core_bound(group) and len(cores) == 2 and cores[0] < ONE_CORE and cores[1] >= MANY_CORES


def beyond_sentence(found: list[Best]) -> str:
    """The cases faster than their cores allow, set aside in words."""
    if not found:
        return ""
    listed = ", ".join(
        f"{b.executor} at {b.where} ({b.estimate.value:.2f}x on {b.effective_cores:.2f} cores)" for b in found
    )
    return (
        f"Set aside: {listed}: faster than its cores allow for CPU-bound work, so the machine's speed changed "
        "between its rounds and their baselines; read it as no faster than its cores."
    )
