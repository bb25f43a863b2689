"""The short table printed at the end of a run, from the saved file: the figures a reader looks for first."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .table import cases

COLUMNS = {  # report's case column -> (heading, format)
    "median_s": ("median_s", "{:.4f}"),
    "throughput": ("throughput", "{:,.0f}"),
    "speedup": ("speedup", "{:.2f}x"),
    "vs_ideal": ("vs_ideal", "{:.2f}x"),
    "effective_cores": ("eff_cores", "{:.2f}"),
    "cv": ("cv", "{:.1%}"),
}


def headline(run: dict[str, Any]) -> str:
    """One line per case, passes pooled as the report pools them (medians of the per-pass figures)."""
    frame = cases(run)
    if frame.empty:
        return ""
    with_python = ["python"] if frame["python"].astype(bool).any() else []  # a --python run: each interpreter's row
    table = frame[["workload", "executor", "workers", *with_python, "unit"]].copy()
    for column, (heading, spec) in COLUMNS.items():
        table[heading] = frame[column].map(lambda v, spec=spec: "" if pd.isna(v) else spec.format(v))
    return table.to_string(index=False)
