"""The matrix as a pytest-benchmark suite: one test per case, parametrized by ``bench.plugin``.

Run through ``python -m bench run`` (or ``pytest -p bench.plugin bench/suite.py``).
"""

from __future__ import annotations

from typing import Any

from bench.matrix import Case
from bench.runner import Run


def test_case(case: Case, benchmark: Any, bench_run: Run) -> None:
    bench_run.measure(case, benchmark)
