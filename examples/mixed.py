"""Work that mixes computing and waiting: a little pure Python, then a wait.

Each task computes (pure-Python, holds the GIL) and then waits 10 ms (the GIL
is released while it sleeps). Threads overlap the waits but not the computing,
so they help until the computing fills one core; processes overlap both.
``work`` is the plain form, ``awork`` the async one (the wait is asyncio.sleep).

    python -m bench run --workloads examples/mixed.py:work+awork
"""

from __future__ import annotations

import asyncio
import time

STEPS = 60_000  # countdown steps per task: about as long as the wait on these machines
WAIT_S = 0.010


def _compute(i: int) -> int:
    total, n = 0, STEPS
    while n:
        total += (n ^ i) & 7
        n -= 1
    return total


def work(i: int) -> int:
    value = _compute(i)
    time.sleep(WAIT_S)
    return value


async def awork(i: int) -> int:
    value = _compute(i)
    await asyncio.sleep(WAIT_S)
    return value
