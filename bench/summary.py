"""The short table printed at the end of a run: the figures a reader looks for first."""

from __future__ import annotations

from typing import Any

import pandas as pd


def headline_frame(benchmarks: list[dict[str, Any]]) -> pd.DataFrame:
    rows = []
    for entry in benchmarks:
        params, extra = entry["params"], entry["extra_info"]
        rows.append(
            {
                "workload": params["workload"],
                "executor": params["executor"],
                "workers": params["workers"],
                "median_s": entry["stats"]["median"],
                "throughput": extra.get("throughput"),
                "unit": extra.get("throughput_unit", ""),
                "speedup": extra.get("speedup"),
                "vs_ideal": extra.get("vs_ideal"),
                "eff_cores": extra.get("effective_cores"),
                "cv": extra.get("cv"),
            }
        )
    return pd.DataFrame(rows)


def headline(benchmarks: list[dict[str, Any]]) -> str:
    frame = headline_frame(benchmarks)
    if frame.empty:
        return ""
    if "pass" in frame:
        frame = frame.drop(columns="pass")
    frame = frame.groupby(["workload", "executor", "workers", "unit"], as_index=False, sort=False).median()
    frame = frame.sort_values(["workload", "workers", "executor"])
    formats = {
        "median_s": "{:.4f}".format,
        "throughput": lambda v: f"{v:,.0f}",
        "speedup": lambda v: "" if pd.isna(v) else f"{v:.2f}x",
        "vs_ideal": lambda v: "" if pd.isna(v) else f"{v:.2f}x",
        "eff_cores": lambda v: "" if pd.isna(v) else f"{v:.2f}",
        "cv": lambda v: "" if pd.isna(v) else f"{v:.1%}",
    }
    return frame.to_string(index=False, formatters=formats)
