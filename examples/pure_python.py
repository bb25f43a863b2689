"""Pure-Python work: counting primes by trial division. Threads do not help here.

Every step is Python bytecode, and under the GIL only one thread runs bytecode at
a time: threads take turns on one core, processes use them all.

    python -m bench run --workloads examples/pure_python.py:count_primes
"""

from __future__ import annotations

SPAN = 6_000  # numbers examined per task


def count_primes(i: int) -> int:
    """How many primes lie in [i * SPAN, (i + 1) * SPAN)."""
    found = 0
    for n in range(max(2, i * SPAN), (i + 1) * SPAN):
        d = 2
        while d * d <= n:
            if n % d == 0:
                break
            d += 1
        else:
            found += 1
    return found
