"""The generic judge: by throughput (or time per round), what every case has, whatever judges it.

It judges a workload whose own judge finds nothing to read (no measures, no
ideal time), and a judgement this package does not know, which only a run
handed to ``verdicts`` directly can hold: ``bench.results.load_run`` refuses
a file naming one.
"""

from __future__ import annotations

import pandas as pd

from ...vocabulary import JUDGEMENTS
from .model import Best, Estimate, Group, Verdict, cores_of, estimate_of
from .phrases import joined
from .trust import trust


def generic(group: Group) -> Verdict:
    """By throughput where the cases have one (else by time): what every case has, whatever judges it."""
    kind = str(group.about["judged_by"])
    rows = group.rows.dropna(subset=["median_s"])
    by_throughput = rows["throughput"].notna().any()
    found: list[Best] = []
    for executor, by in group.by_executor(rows):
        fastest = by.sort_values("median_s")
        row = (by.sort_values("throughput", ascending=False) if by_throughput else fastest).iloc[0]
        time = estimate_of(row["data_by_pass"]) or Estimate(row["median_s"], row["median_s"], row["median_s"])
        if by_throughput and pd.notna(row["throughput"]):
            amount = float(row["throughput"]) * float(row["median_s"])
            estimate = Estimate(amount / time.value, amount / time.high, amount / time.low)
        else:
            estimate = time
        found.append(Best(executor, int(row["workers"]), estimate, cores_of(row["effective_cores"])))
    unknown = f"judged by {kind!r}, which this report cannot read yet; " if kind not in JUDGEMENTS else ""
    if not found:
        return group.verdict([f"{unknown}no case has a figure to compare.", trust(group, [])])
    higher = bool(by_throughput)
    ranked = sorted(found, key=lambda b: -b.estimate.value if higher else b.estimate.value)
    lead = ranked[0]
    tied = [b for b in ranked[1:] if b.estimate.overlaps(lead.estimate)]
    unit = str(rows["unit"].iloc[0] or "per second") if higher else "s per round"
    spec = ",.0f" if higher else ".4f"
    measure = "throughput" if higher else "time per round"
    if tied:
        listed = joined([f"{b.executor} ({b.estimate.value:{spec}} at {b.where})" for b in [lead, *tied]])
        head = f"{unknown}by {measure}, no clear winner between {listed} {unit}."
        winners = [lead.executor, *(b.executor for b in tied)]
    else:
        head = (
            f"{unknown}by {measure}, {lead.executor} leads: {lead.estimate.value:{spec}} {unit} at {lead.where} "
            f"({lead.estimate.interval(spec)})."
        )
        winners = [lead.executor]
    text = [head[0].upper() + head[1:], trust(group, [lead, *tied])]
    return group.verdict(
        text, measure=f"{measure} ({unit})", higher_is_better=higher, best=tuple(found), winners=tuple(winners)
    )
