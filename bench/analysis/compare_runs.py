"""The runs given to compare: resolved, loaded, labelled and checked to have cases in common.

Everything is loaded and checked before anything is compared or written, so bad
input leaves no half report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .. import results
from ..errors import UserError
from .table import KEY, cases


@dataclass(frozen=True)
class Loaded:
    """One run given on the command line: its short label, file, contents and pooled cases."""

    label: str
    path: Path
    run: dict[str, Any]
    cases: pd.DataFrame

    @property
    def facts(self) -> dict[str, Any]:
        facts: dict[str, Any] = self.run["machine_info"].get("bench", {})
        return facts

    @property
    def partial(self) -> bool:
        return bool(self.run["machine_info"].get("bench_run", {}).get("partial"))


def labels(paths: list[Path]) -> list[str]:
    """Each run's number (``0003``), or its file stem; made unique by position where two collide."""
    names = [m.group(1) if (m := results.RUN_NAME.match(p.name)) else re.sub(r"[^\w.-]+", "-", p.stem) for p in paths]
    return [f"{name}-{i + 1}" if names.count(name) > 1 else name for i, name in enumerate(names)]


def load(specs: list[str], root: Path) -> list[Loaded]:
    """Resolve and load every run (UserError on the first bad one) and check they can be compared."""
    if len(specs) < 2:
        raise UserError(f"compare needs two or more runs (numbers like 0002 or paths); got {len(specs)}")
    paths = [results.resolve(spec, root) for spec in specs]
    runs = [results.load_run(path) for path in paths]
    loaded = [Loaded(label, path, run, cases(run)) for label, path, run in zip(labels(paths), paths, runs, strict=True)]
    base = loaded[0]
    for other in loaded[1:]:
        if common_cases(base.cases, other.cases) == 0:
            raise UserError(
                f"runs {base.label} ({base.path}) and {other.label} ({other.path}) have no cases in "
                "common (same workload, executor, workers, interpreter and parameters)"
            )
    return loaded


def common_cases(a: pd.DataFrame, b: pd.DataFrame) -> int:
    return 0 if a.empty or b.empty else len(a[KEY].merge(b[KEY], on=KEY))


def pairs(runs: list[Loaded]) -> list[str]:
    return [f"{run.label}/{runs[0].label}" for run in runs[1:]]
