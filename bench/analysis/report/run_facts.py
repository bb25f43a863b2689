"""The end of a report's page: what went wrong in the run (partial, failed, skipped, unstable), and its machine."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..wording import markdown_table


def _joined(mapping: dict[str, Any], *keys: str, sep: str = " / ") -> str:
    return sep.join(str(mapping.get(key, "?")) for key in keys)


def machine_section(run: dict[str, Any]) -> list[str]:
    facts = run["machine_info"].get("bench", {})
    bench_run = run["machine_info"].get("bench_run", {})
    config = bench_run.get("config", {})
    packages = ", ".join(f"{name} {version}" for name, version in (facts.get("packages") or {}).items())
    rows = [
        ["Python", _joined(facts, "python_implementation", "python_version", sep=" ")],
        ["GIL enabled", _joined(facts, "gil_enabled")],
        ["free-threaded build", _joined(facts, "free_threaded_build")],
        ["cores (logical / physical / usable)", _joined(facts, "logical_cores", "physical_cores", "usable_cores")],
        ["CPU", _joined(facts, "cpu_model")],
        ["multiprocessing start method", _joined(facts, "mp_start_method")],
        ["harness / result format", _joined(facts, "harness_version", "format_version")],
        ["packages", packages],
        ["rounds / warm-up / passes", _joined(config, "rounds", "warmup", "passes")],
        ["started", str(bench_run.get("started", run.get("datetime", "?")))],
    ]
    return ["## Machine and run", "", *markdown_table(["fact", "value"], rows), ""]


def problems_section(run: dict[str, Any], frame: pd.DataFrame) -> list[str]:
    """Partial run, failed, skipped and unstable cases: what a reader must know before trusting a figure."""
    bench_run = run["machine_info"].get("bench_run", {})
    lines = ["## Partial run, failed, skipped and unstable cases", ""]
    if bench_run.get("partial"):
        lines += ["**This run is partial**: it was interrupted, and holds only the cases finished before that.", ""]
    failed = bench_run.get("failed") or []
    lines += [f"Failed cases: {len(failed)}" + (":\n" if failed else ".")]
    for case in failed:
        error = case.get("error") or {}
        message = (str(error.get("message") or "").splitlines() or [""])[0]
        lines.append(f"- `{case.get('name', '?')}`: {error.get('type', 'Error')}: {message}")
    skipped = bench_run.get("skipped") or []
    by_reason: dict[str, list[str]] = {}
    for case in skipped:
        by_reason.setdefault(str(case.get("reason", "")), []).append(f"`{case.get('name', '?')}`")
    lines += ["", f"Skipped cases: {len(skipped)}" + (":\n" if skipped else ".")]
    lines += [f"- {reason}: {', '.join(names)}" for reason, names in by_reason.items()]
    unstable = frame[frame["unstable"].map(bool)] if not frame.empty else frame
    lines += [
        "",
        f"Unstable cases (their figures deserve less trust): {len(unstable)}" + (":\n" if len(unstable) else "."),
    ]
    lines += [f"- {case_label(row)}: {'; '.join(row['unstable'])}" for _, row in unstable.iterrows()]
    return [*lines, ""]


def case_label(row: pd.Series) -> str:
    return f"{row['workload']} {row['executor']} w{row['workers']}"
