"""``python -m bench compare A B [C...]``: saved runs side by side, each against the first, with significance.

Cases match on workload, executor, workers, interpreter label and the
workload's parameters (every ``params`` key but ``pass``); a case in only some
runs is listed, not dropped. Two runs made at different times saw different
speed phases of the machine (DESIGN decision 8), so the figures compared come
in two tables: first the paired ones (speedup, effective cores, time against
the ideal), in which drift within each run cancels; then the absolute round
times, labelled as exposed to drift. Every ratio is a later run's median over
the first run's, with an interval that resamples passes, then rounds (see
``quantities`` for the rules of a verdict). ``compare.csv`` holds every compared
figure, one row each, with its interval and verdict. Everything is loaded and
checked before anything is written, so bad input leaves no half report.
pandas, numpy and matplotlib are imported here only (see ``report``).
"""

from __future__ import annotations

import argparse
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import MaxNLocator, NullLocator

from .. import machine, results
from ..errors import UserError
from ..stats import CONFIDENCE, RESAMPLES, SEED
from .quantities import ONE_PASS_MARGIN, QUANTITIES, UNTESTED, Quantity, applicable, groups, judge, side
from .table import KEY, Facts, cases

#: Machine facts whose difference the header names: they change what a ratio means.
FACTS = (
    "usable_cores",
    "logical_cores",
    "cpu_model",
    "python_version",
    "python_implementation",
    "gil_enabled",
    "free_threaded_build",
)
PAIRED_BASIS, DRIFT_BASIS = "paired", "exposed to drift"


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


def threshold(text: str) -> float:
    """``--fail-on-regression``: "10%" or "0.1", a fraction of the first run's time."""
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a fraction like 10% or 0.1") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a fraction of 0 or more, like 10% or 0.1")
    return value


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


def _quantities(found: list[pd.Series | None], facts: Facts) -> list[Quantity]:
    """The figures any run has for this case, in the order of ``applicable``."""
    names = {q.name for case in found if case is not None for q in applicable(case, facts)}
    return [q for q in QUANTITIES.values() if q.name in names]


def _row(
    key: tuple[Any, ...], quantity: Quantity, base: Loaded, other: Loaded, cases_: tuple[pd.Series | None, ...]
) -> dict[str, Any]:
    """One compared figure of one case: each side's median and interval, the ratio, its interval and the verdict."""
    first, later = cases_
    base_groups = groups(first, quantity) if first is not None else []
    other_groups = groups(later, quantity) if later is not None else []
    a, b = side(base_groups), side(other_groups)
    missing = [run.label for run, case in ((base, first), (other, later)) if case is None or not groups(case, quantity)]
    judged = judge(quantity, base_groups, other_groups)
    verdict = f"not in {', '.join(missing)}" if missing else judged.verdict
    unstable = any(bool(case["unstable"]) for case in cases_ if case is not None)
    return {
        **dict(zip(KEY, key, strict=True)),
        "figure": quantity.name,
        "basis": PAIRED_BASIS if quantity.paired else DRIFT_BASIS,
        "pair": f"{other.label}/{base.label}",
        "base": base.label,
        "other": other.label,
        "base_value": a.value,
        "base_ci_low": a.low,
        "base_ci_high": a.high,
        "base_passes": a.units,
        "other_value": b.value,
        "other_ci_low": b.low,
        "other_ci_high": b.high,
        "other_passes": b.units,
        "ratio": judged.ratio,
        "ci_low": judged.low,
        "ci_high": judged.high,
        "verdict": verdict,
        "significant": judged.significant and not missing,
        "note": judged.note,
        "unstable": unstable,
    }


def table(runs: list[Loaded]) -> pd.DataFrame:
    """One row per compared figure: case x figure x later run (against the first), paired figures first."""
    indexed = [{tuple(case[KEY]): case for _, case in run.cases.iterrows()} for run in runs]
    keys = list(dict.fromkeys(key for by_key in indexed for key in by_key))
    facts = Facts.merged([run.run for run in runs])
    rows = []
    for key in keys:
        found = [by_key.get(key) for by_key in indexed]
        for quantity in _quantities(found, facts):
            for run, case in zip(runs[1:], found[1:], strict=True):
                rows.append(_row(key, quantity, runs[0], run, (found[0], case)))
    frame = pd.DataFrame(rows)
    frame["rank"] = frame["executor"].map(lambda name: facts.rank(str(name)))
    frame["order"] = frame["figure"].map(list(QUANTITIES).index)
    frame["paired_first"] = frame["basis"] != PAIRED_BASIS
    frame = frame.sort_values(
        ["paired_first", "workload", "params", "workers", "rank", "executor", "python", "order", "pair"], kind="stable"
    )
    return frame.drop(columns=["rank", "order", "paired_first"]).reset_index(drop=True)


def _regression_line(row: pd.Series) -> str:
    python = f" {row['python']}" if row["python"] else ""
    return (
        f"{row['workload']} {row['executor']} w{row['workers']}{python} ({row['params']}): "
        f"{QUANTITIES[row['figure']].label} {row['pair']} {row['ratio']:.2f}x"
    )


def regressions(frame: pd.DataFrame, limit: float) -> pd.DataFrame:
    """Figures significantly slower than the first run's by more than ``limit`` (round times and times vs ideal)."""
    slower = frame["verdict"] == "slower"
    return frame[slower & frame["significant"] & (frame["ratio"] > 1 + limit)]


# ---- what the user reads ----------------------------------------------------------------------------------------


def differences(runs: list[Loaded]) -> list[str]:
    """``fact: 0001 x, 0002 y`` for each machine fact that is not the same in every run."""
    lines = []
    for fact in FACTS:
        values = [run.facts.get(fact) for run in runs]
        if len({repr(value) for value in values}) > 1:
            lines.append(
                f"{fact}: " + ", ".join(f"{run.label} {value}" for run, value in zip(runs, values, strict=True))
            )
    return lines


def header(runs: list[Loaded]) -> str:
    width = max(len(run.label) for run in runs)
    lines = [f"Comparing {len(runs)} runs, each later run against {runs[0].label} (ratio = later / {runs[0].label}):"]
    for run in runs:
        partial = "  [PARTIAL RUN]" if run.partial else ""
        passes = int(run.cases["passes"].max()) if not run.cases.empty else 0
        lines.append(
            f"  {run.label:<{width}}  {run.path}{partial}\n  {'':<{width}}  {machine.describe(run.facts)}; "
            f"{passes} pass{'es' if passes != 1 else ''}"
        )
    differ = differences(runs)
    if differ:
        lines.append("Machines or Pythons differ (ratios then measure the change of machine too):")
        lines += [f"  {line}" for line in differ]
    else:
        lines.append(f"Same {', '.join(FACTS)} in every run.")
    lines.append(
        f"Medians of all rounds (passes pooled). {CONFIDENCE:.0%} CIs: bootstrap over passes, then rounds within "
        f"them ({RESAMPLES} resamples, seed {SEED}). With one pass an interval sees round-to-round noise only, "
        "not process-to-process variation (up to 20% here): then a round-time difference is not called, and a "
        f"paired figure is called changed only beyond a {ONE_PASS_MARGIN:.0%} margin. Use --passes 3 for honest "
        "intervals."
    )
    return "\n".join(lines)


def _cell(value: float, low: float, high: float, quantity: Quantity) -> str:
    shown = quantity.show(value)
    if shown and not pd.isna(low):
        shown += f" [{quantity.show(low)}-{quantity.show(high)}]"
    return shown


def _shown(row: dict[Any, Any], with_python: bool) -> dict[str, str]:
    """One compared figure as the printed table shows it."""
    quantity = QUANTITIES[str(row["figure"])]
    cells = {"executor": str(row["executor"]), "workers": str(row["workers"])}
    if with_python:
        cells["python"] = str(row["python"])
    low, high = row["ci_low"], row["ci_high"]
    cells.update(
        {
            "figure": quantity.label,
            "pair": str(row["pair"]),
            "first": _cell(row["base_value"], row["base_ci_low"], row["base_ci_high"], quantity),
            "later": _cell(row["other_value"], row["other_ci_low"], row["other_ci_high"], quantity),
            "ratio": "" if pd.isna(row["ratio"]) else f"{row['ratio']:.3f}",
            f"{CONFIDENCE:.0%} CI": "" if pd.isna(low) else f"{low:.3f}-{high:.3f}",
            "verdict": str(row["verdict"]) + (" [unstable]" if row["unstable"] else ""),
        }
    )
    return cells


def text_table(frame: pd.DataFrame, paired: bool) -> str:
    """One of the two printed tables (paired figures, or round times), one block per workload and parameters."""
    chosen = frame[(frame["basis"] == PAIRED_BASIS) == paired]
    with_python = bool(chosen["python"].astype(bool).any()) if not chosen.empty else False
    several = chosen["pair"].nunique() > 1
    blocks = []
    for (workload, params), group in chosen.groupby(["workload", "params"], sort=False):
        shown = pd.DataFrame([_shown(row, with_python) for row in group.to_dict("records")])
        if not several:  # one later run: its label and the first's head the columns
            base, other = str(group["base"].iloc[0]), str(group["other"].iloc[0])
            shown = shown.drop(columns="pair").rename(
                columns={"first": base, "later": other, "ratio": f"{other}/{base}"}
            )
        title = f"{workload} ({params})" if params else str(workload)
        text = shown.apply(lambda column: column.str.ljust(column.str.len().max()))
        lines = [line.rstrip() for line in text.to_string(index=False, justify="left").splitlines()]
        blocks.append("\n".join([title, *lines]))
    return "\n\n".join(blocks)


def report_text(frame: pd.DataFrame) -> str:
    """Both tables, each under a line that says what it can and cannot show."""
    parts = [
        "PAIRED FIGURES (each run's own, immune to the machine's drift within it; first [CI], later [CI]):",
        text_table(frame, paired=True) or "  none",
        "ROUND TIMES (exposed to drift: the runs were made at different times, in whatever speed phase the "
        "machine was in; compare interpreters interleaved in one run with --python instead):",
        text_table(frame, paired=False) or "  none",
    ]
    return "\n\n".join(parts)


def summary(frame: pd.DataFrame) -> str:
    """For each later run: how many figures changed significantly, paired and timed, and how many were not called."""
    lines = []
    for pair, group in frame.groupby("pair", sort=False):
        parts = []
        for basis, words in ((PAIRED_BASIS, "paired figures"), (DRIFT_BASIS, "round times")):
            chosen = group[group["basis"] == basis]
            if chosen.empty:
                continue
            changed = int(chosen["significant"].sum())
            unmatched = int(chosen["verdict"].str.startswith("not in").sum())
            untested = int(chosen["verdict"].str.startswith(UNTESTED).sum())
            parts.append(
                f"{changed} of {len(chosen) - unmatched} {words} changed significantly"
                + (f" ({untested} not called)" if untested else "")
                + (f"; {unmatched} not in both runs" if unmatched else "")
            )
        lines.append(f"{pair}: " + "; ".join(parts))
    return "\n".join(lines)


def _figure_name(row: dict[Any, Any]) -> str:
    quantity = QUANTITIES[str(row["figure"])]
    python = f" {row['python']}" if row["python"] else ""
    drift = "" if quantity.paired else " (drift-exposed)"
    return f"{row['workload']} {row['executor']} w{row['workers']}{python}: {quantity.label}{drift}"


def figure(frame: pd.DataFrame, runs: list[Loaded]) -> Figure:
    """Each later run's ratio per compared figure, with its interval, against a line at 1.0 (no change)."""
    compared = frame[frame["ratio"].notna()].reset_index(drop=True)
    keys = compared[[*KEY, "figure"]].drop_duplicates().reset_index(drop=True)
    names = [_figure_name(row) for row in keys.to_dict("records")]
    if keys.groupby("workload")["params"].nunique().max() > 1:  # only then do parameters tell cases apart
        names = [f"{name} ({params})" for name, params in zip(names, keys["params"], strict=True)]
    height = 1.8 + 0.28 * len(keys) * max(1, len(runs) - 1) ** 0.5
    fig = Figure(figsize=(11, height), layout=ConstrainedLayoutEngine(rect=(0, 0.5 / height, 1, 1 - 0.5 / height)))
    ax = fig.subplots()
    position = {tuple(row): i for i, row in enumerate(keys.itertuples(index=False))}
    step = 0.6 / max(1, len(runs) - 1)
    for k, pair in enumerate(pairs(runs)):
        rows = compared[compared["pair"] == pair]
        y = np.array([position[tuple(row)] for row in rows[[*KEY, "figure"]].itertuples(index=False)], dtype=float)
        y += (k - (len(runs) - 2) / 2) * step
        ratio, low, high = (rows[name].to_numpy(dtype=float) for name in ("ratio", "ci_low", "ci_high"))
        has_ci = ~np.isnan(low)
        significant = rows["significant"].to_numpy(dtype=bool)
        for chosen, fill, kind in (
            (has_ci & significant, f"C{k}", "significant"),
            (has_ci & ~significant, "white", "not significant, or not called"),
        ):
            if chosen.any():
                errors = np.vstack([ratio - low, high - ratio])[:, chosen]
                ax.errorbar(
                    ratio[chosen],
                    y[chosen],
                    xerr=errors,
                    fmt="o",
                    capsize=3,
                    color=f"C{k}",
                    markerfacecolor=fill,
                    label=f"{pair}, {kind} ({CONFIDENCE:.0%} CI)",
                )
        no_ci = ~has_ci & ~np.isnan(ratio)
        if no_ci.any():
            ax.plot(ratio[no_ci], y[no_ci], "x", color=f"C{k}", label=f"{pair} (too few values for a CI)")
    ax.axvline(1.0, color="grey", ls="--", label="no change")
    ratio_axis(ax, compared[["ratio", "ci_low", "ci_high"]])
    ax.set_yticks(np.arange(len(keys), dtype=float), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(f"later / {runs[0].label} (log scale)")
    ax.set_title(
        f"Each compared figure relative to run {runs[0].label}: paired figures first, drift-exposed times last",
        fontweight="bold",
    )
    ax.grid(True, axis="x", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    differ = "; ".join(differences(runs)) or "same machine facts and Python in every run"
    fig.text(
        0.5,
        0.01,
        f"{runs[0].label}: {machine.describe(runs[0].facts)}\n{differ}",
        ha="center",
        va="bottom",
        fontsize=7.5,
        color="dimgrey",
    )
    return fig


def ratio_axis(ax: Axes, values: pd.DataFrame) -> None:
    """A log axis (x2 and /2 equally far from 1) spanning ``values`` and 1, with plain-number ticks."""
    finite = values.to_numpy(dtype=float)
    finite = finite[np.isfinite(finite) & (finite > 0)]
    low, high = min(1.0, float(finite.min(initial=1.0))) / 1.1, max(1.0, float(finite.max(initial=1.0))) * 1.1
    ax.set_xscale("log")
    ticks = [t for t in MaxNLocator(nbins=8).tick_values(low, high) if low <= t <= high and t > 0]
    ax.set_xticks(sorted({*ticks, 1.0}), [f"{t:g}" for t in sorted({*ticks, 1.0})])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlim(low, high)
