"""The self-check's targets, and each check's figures judged against them in one table.

Each target is judged on an interval where the data give one: met only when the
whole interval is on the target's side, NOT MET when all of it is beyond, and
"not shown" when it crosses the target (a point estimate on either side is then
noise, not a result). Figures without a target are reported beside them.
"""

from __future__ import annotations

from typing import Any

from ..stats import MET, NOT_MET, NOT_SHOWN, against_target

TARGETS = {
    "noop_median_ms": 1.0,
    "sampler_ratio": 1.02,
    "sampler_cpu_pct": 3.0,
    "http_vs_ideal_at_50": 1.35,
    "server_cores": 0.5,
}


Row = tuple[str, float, list[float] | None, str, str]  # what, measured, its 95% CI, target, verdict
REPORTED = "(reported)"


def judged(what: str, value: float, ci: list[float] | None, target: float, at_most: bool = True) -> Row:
    """One target row: judged on the interval where there is one, else on the measured point (said so)."""
    sign = "<=" if at_most else ">="
    if ci is not None:
        return (what, value, ci, f"{sign} {target:g}", against_target(ci[0], ci[1], target, at_most=at_most))
    met = value <= target if at_most else value >= target
    return (what, value, None, f"{sign} {target:g}", (MET if met else NOT_MET) + " (a single value)")


def verdicts(entries: list[dict[str, Any]]) -> list[Row]:
    """(what, measured, interval, target, verdict) for each target, and the figures only reported."""
    rows: list[Row] = []
    for item in entries:
        extra, check = item["extra_info"], item["param"]
        if check == "noop-roundtrip":
            rows.append(judged("no-op round trip, median ms", extra["median_ms"], extra.get("median_ms_ci95"), 1.0))
            rows.append(("no-op round trip, p99 ms", extra["p99_ms"], None, REPORTED, ""))
        elif check.endswith("-on"):
            executor = item["params"]["executor"]
            ci = extra.get("ratio_ci95")
            what = (
                f"sampler on/off ratio, {executor} w2 (median of {len(extra.get('pair_ratios') or [])} paired ratios)"
            )
            if ci is None:
                target = f"<= {TARGETS['sampler_ratio']:g}"
                rows.append((what, extra["ratio_on_off"], None, target, NOT_SHOWN + " (too few pairs: --pairs 20)"))
            else:
                rows.append(judged(what, extra["ratio_on_off"], ci, TARGETS["sampler_ratio"]))
            rows.append(
                judged(
                    f"sampler CPU, % of a core ({executor})", extra["sampler_cpu_pct"], None, TARGETS["sampler_cpu_pct"]
                )
            )
        elif check.startswith("server-"):
            workers = item["params"]["workers"]
            name = f"http {check[7:]}"
            if workers == 50:
                rows.append(
                    judged(
                        f"{name}: measured/ideal",
                        extra["vs_ideal"],
                        extra.get("vs_ideal_ci95"),
                        TARGETS["http_vs_ideal_at_50"],
                    )
                )
            else:
                rows.append((f"{name}: measured/ideal", extra["vs_ideal"], extra.get("vs_ideal_ci95"), REPORTED, ""))
            cores = extra["server_cores"] or 0.0
            rows.append(judged(f"{name}: server cores", cores, None, TARGETS["server_cores"]))
            rows.append(
                (f"{name}: server's own ms per request, p99", extra["server_overhead_ms"]["p99"], None, REPORTED, "")
            )
            rows.append((f"{name}: client latency ms p99", extra["client_latency_ms"]["p99"], None, REPORTED, ""))
    return rows


def text_table(rows: list[Row]) -> str:
    """The verdicts as aligned text (the harness prints without pandas: see the import contracts)."""
    cells = [("check", "measured", "95% CI", "target", "verdict")] + [
        (what, f"{value:.3f}", f"{ci[0]:.3f}-{ci[1]:.3f}" if ci else "", target, verdict)
        for what, value, ci, target, verdict in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(5)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in cells
    )
