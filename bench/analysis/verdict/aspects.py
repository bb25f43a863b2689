"""What else a workload's facts ask a verdict to say of the winner: throughput, latency, memory per added unit."""

from __future__ import annotations

import pandas as pd

from ... import BASELINE
from ...vocabulary import THROUGHPUT
from .. import memory
from .model import Group
from .phrases import joined


def aspects(
    group: Group, chosen: list[tuple[str, pd.Series]], base: pd.Series | None, at: int | None = None
) -> list[str]:
    """Throughput, latency and memory per added unit, where the workload's facts say they matter."""
    about, text = group.about, []
    if about["figure"] == THROUGHPUT and chosen and pd.notna(chosen[0][1]["throughput"]):
        executor, row = chosen[0]
        text.append(f"Throughput: {executor} {row['throughput']:,.0f} {row['unit']}{_against(row, base)}.")
    latency = [(executor, row) for executor, row in chosen if pd.notna(row["p50"]) and pd.notna(row["p99"])]
    if about["latency"] and latency:
        where = f" at {at}" if at is not None else ""
        listed = joined([f"{executor} {row['p50']:.0f}/{row['p99']:.0f} ms" for executor, row in latency])
        text.append(f"Latency p50/p99{where}: {listed}.")
    if not about["core_bound"]:
        text += _memory(group)
    return text


def _against(row: pd.Series, base: pd.Series | None) -> str:
    """Sequential's throughput as the verdict's ratio saw it: from the rounds paired with ``row``'s where it has them.

    The sequential case's own rounds ran minutes apart from ``row``'s, and the machine's speed drifts in
    between (docs/methodology/pairing.md): set side by side, the two medians can disagree with the paired
    speedup the verdict reports.
    """
    by_pass = row.get("ratios_by_pass")
    paired = isinstance(by_pass, list) and any(by_pass)
    if paired and pd.notna(row["speedup"]) and row["speedup"] > 0:
        return f" against sequential's {row['throughput'] / row['speedup']:,.0f} in the rounds paired with them"
    if base is not None and pd.notna(base["throughput"]):
        return f" against sequential's {base['throughput']:,.0f}"
    return ""


def _memory(group: Group) -> list[str]:
    costs = []
    for executor, by in group.by_executor(group.rows[group.rows["executor"] != BASELINE]):
        slope = memory.added_unit_cost(by)
        if slope is not None and slope.meaningful:
            costs.append(
                (
                    slope.per_unit,
                    f"{executor} {slope.per_unit / 1024:,.0f} KiB per {group.facts.unit_of(executor)}",
                )
            )
    if not costs:
        return []
    return [f"Memory per added unit (slope over the worker counts): {joined([text for _, text in sorted(costs)])}."]
