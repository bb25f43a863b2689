"""``python -m bench compare A B [C...]``: saved runs side by side, each against the first, with significance.

Cases match on workload, executor, workers and the workload's parameters (every
``params`` key but ``pass``); a case in only some runs is listed, not dropped.
A ratio is a later run's median round time over the first run's (above 1 =
slower), with a bootstrap confidence interval from the raw round times (passes
pooled): a change is significant when the interval excludes 1.0. Everything is
loaded and checked before anything is written, so bad input leaves no half
report. pandas, numpy and matplotlib are imported here only (see ``report``).
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
from ..stats import CONFIDENCE, RESAMPLES, SEED, bootstrap_ratio
from .table import KEY, Facts, cases, fmt

MIN_ROUNDS = 3  # a bootstrap of fewer rounds than this gives an interval that means nothing
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
SLOWER, FASTER, SAME = "slower", "faster", "no significant change"


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
                "common (same workload, executor, workers and parameters)"
            )
    return loaded


def common_cases(a: pd.DataFrame, b: pd.DataFrame) -> int:
    return 0 if a.empty or b.empty else len(a[KEY].merge(b[KEY], on=KEY))


def rounds(case: pd.Series) -> np.ndarray:
    """The raw round times of a case (passes pooled); empty when the run did not save them."""
    data = case.get("data")
    return np.asarray(data if isinstance(data, list) else [], dtype=float)


def median_s(case: pd.Series) -> float:
    data = rounds(case)
    return float(np.median(data)) if data.size else float(case["median_s"])


def verdict(low: float, high: float) -> str:
    if low > 1.0:
        return SLOWER
    if high < 1.0:
        return FASTER
    return SAME


def _versus(base: pd.Series | None, other: pd.Series | None, names: tuple[str, str]) -> dict[str, Any]:
    """Ratio, interval, verdict and unstable flag of one case, a later run against the first."""
    missing = [name for name, case in zip(names, (base, other), strict=True) if case is None]
    if base is None or other is None:
        return {
            "ratio": math.nan,
            "ci_low": math.nan,
            "ci_high": math.nan,
            "verdict": f"not in {', '.join(missing)}",
            "unstable": False,
        }
    ratio = median_s(other) / median_s(base)
    unstable = bool(base["unstable"]) or bool(other["unstable"])
    a, b = rounds(base), rounds(other)
    if min(a.size, b.size) < MIN_ROUNDS:
        return {
            "ratio": ratio,
            "ci_low": math.nan,
            "ci_high": math.nan,
            "verdict": f"too few rounds to test (under {MIN_ROUNDS})",
            "unstable": unstable,
        }
    low, high = bootstrap_ratio(a, b)
    return {"ratio": ratio, "ci_low": low, "ci_high": high, "verdict": verdict(low, high), "unstable": unstable}


def table(runs: list[Loaded]) -> pd.DataFrame:
    """One row per case in any run: each run's median, then ratio, interval, verdict of each later run."""
    indexed = [{tuple(case[KEY]): case for _, case in run.cases.iterrows()} for run in runs]
    keys = list(dict.fromkeys(key for by_key in indexed for key in by_key))
    rows = []
    base = runs[0]
    for key in keys:
        found = [by_key.get(key) for by_key in indexed]
        row: dict[str, Any] = dict(zip(KEY, key, strict=True))
        for run, case in zip(runs, found, strict=True):
            row[f"median_s {run.label}"] = median_s(case) if case is not None else math.nan
        for run, case in zip(runs[1:], found[1:], strict=True):
            pair = f"{run.label}/{base.label}"
            versus = _versus(found[0], case, (base.label, run.label))
            row.update({f"{name} {pair}": value for name, value in versus.items()})
        rows.append(row)
    frame = pd.DataFrame(rows)
    facts = Facts.merged([run.run for run in runs])
    frame["rank"] = frame["executor"].map(lambda name: facts.rank(str(name)))
    frame = frame.sort_values(["workload", "params", "workers", "rank"], kind="stable")
    return frame.drop(columns="rank").reset_index(drop=True)


def pairs(runs: list[Loaded]) -> list[str]:
    return [f"{run.label}/{runs[0].label}" for run in runs[1:]]


def _regression_line(row: pd.Series, runs: list[Loaded]) -> str:
    slower = [pair for pair in pairs(runs) if row[f"verdict {pair}"] == SLOWER]
    ratios = ", ".join(f"{pair} {row[f'ratio {pair}']:.2f}x" for pair in slower)
    return f"{row['workload']} {row['executor']} w{row['workers']} ({row['params']}): {ratios}"


def regressions(frame: pd.DataFrame, runs: list[Loaded], limit: float) -> pd.DataFrame:
    """Cases significantly slower than the first run by more than ``limit`` (a fraction), in any later run."""
    hit = pd.Series(False, index=frame.index)
    for pair in pairs(runs):
        hit |= (frame[f"verdict {pair}"] == SLOWER) & (frame[f"ratio {pair}"] > 1 + limit)
    return frame[hit]


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
    lines = [
        f"Comparing {len(runs)} runs; ratios are each later run's median round time over {runs[0].label}'s "
        "(above 1 = slower):"
    ]
    for run in runs:
        partial = "  [PARTIAL RUN]" if run.partial else ""
        lines.append(f"  {run.label:<{width}}  {run.path}{partial}\n  {'':<{width}}  {machine.describe(run.facts)}")
    differ = differences(runs)
    if differ:
        lines.append("Machines or Pythons differ (ratios then measure the change of machine too):")
        lines += [f"  {line}" for line in differ]
    else:
        lines.append(f"Same {', '.join(FACTS)} in every run.")
    lines.append(
        f"Medians of all rounds (passes pooled). {CONFIDENCE:.0%} CI of the ratio of medians: bootstrap, "
        f"{RESAMPLES} resamples of the raw round times, seed {SEED}; significant when it excludes 1.0."
    )
    return "\n".join(lines)


def text_table(frame: pd.DataFrame, runs: list[Loaded]) -> str:
    """The table printed: one block per workload and parameter set."""
    blocks = []
    for (workload, params), group in frame.groupby(["workload", "params"], sort=False):
        shown = pd.DataFrame({"executor": group["executor"], "workers": group["workers"]})
        for run in runs:
            shown[f"{run.label} s"] = group[f"median_s {run.label}"].map(lambda v: fmt(v, ".4f"))
        for pair in pairs(runs):
            suffix = f" {pair}" if len(runs) > 2 else ""  # column names stay unique with three runs or more
            shown[pair] = group[f"ratio {pair}"].map(lambda v: fmt(v, ".3f"))
            shown[f"{CONFIDENCE:.0%} CI{suffix}"] = [
                f"{low:.3f}-{high:.3f}" if not pd.isna(low) else ""
                for low, high in zip(group[f"ci_low {pair}"], group[f"ci_high {pair}"], strict=True)
            ]
            shown[f"verdict{suffix}"] = [
                verdict_text + (" [unstable]" if unstable else "")
                for verdict_text, unstable in zip(group[f"verdict {pair}"], group[f"unstable {pair}"], strict=True)
            ]
        title = f"{workload} ({params})" if params else str(workload)
        text = shown.astype(str).apply(lambda column: column.str.ljust(column.str.len().max()))
        lines = [line.rstrip() for line in text.to_string(index=False, justify="left").splitlines()]
        blocks.append("\n".join([title, *lines]))
    return "\n\n".join(blocks)


def summary(frame: pd.DataFrame, runs: list[Loaded]) -> str:
    """How many cases each later run made slower, faster or left alone (and how many it could not match)."""
    lines = []
    for pair in pairs(runs):
        verdicts = frame[f"verdict {pair}"]
        unmatched = int(verdicts.str.startswith("not in").sum())
        counts = ", ".join(f"{int((verdicts == name).sum())} {name}" for name in (SLOWER, FASTER, SAME))
        untested = len(verdicts) - unmatched - int(verdicts.isin([SLOWER, FASTER, SAME]).sum())
        lines.append(
            f"{pair}: {counts}"
            + (f", {untested} untested" if untested else "")
            + (f"; {unmatched} case(s) not in both runs" if unmatched else "")
        )
    return "\n".join(lines)


def figure(frame: pd.DataFrame, runs: list[Loaded]) -> Figure:
    """Each later run's ratio per case, with its interval, against a line at 1.0 (no change)."""
    compared = frame[frame[[f"ratio {pair}" for pair in pairs(runs)]].notna().any(axis=1)].reset_index(drop=True)
    names = [f"{row.workload} {row.executor} w{row.workers}" for row in compared.itertuples()]
    if compared.groupby("workload")["params"].nunique().max() > 1:  # only then do parameters tell cases apart
        names = [f"{name} ({params})" for name, params in zip(names, compared["params"], strict=True)]
    height = 1.8 + 0.3 * len(compared) * max(1, len(runs) - 1) ** 0.5
    fig = Figure(figsize=(10, height), layout=ConstrainedLayoutEngine(rect=(0, 0.5 / height, 1, 1 - 0.5 / height)))
    ax = fig.subplots()
    positions = np.arange(len(compared), dtype=float)
    step = 0.6 / max(1, len(runs) - 1)
    for k, pair in enumerate(pairs(runs)):
        y = positions + (k - (len(runs) - 2) / 2) * step
        ratio, low, high = (compared[f"{name} {pair}"].to_numpy(dtype=float) for name in ("ratio", "ci_low", "ci_high"))
        has_ci = ~np.isnan(low)
        significant = (compared[f"verdict {pair}"].isin([SLOWER, FASTER])).to_numpy()
        for chosen, fill, kind in (
            (has_ci & significant, f"C{k}", "significant"),
            (has_ci & ~significant, "white", "not significant"),
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
            ax.plot(ratio[no_ci], y[no_ci], "x", color=f"C{k}", label=f"{pair} (too few rounds for a CI)")
    ax.axvline(1.0, color="grey", ls="--", label="no change")
    ratio_axis(ax, compared[[f"{name} {pair}" for pair in pairs(runs) for name in ("ratio", "ci_low", "ci_high")]])
    ax.set_yticks(positions, names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(f"median round time / {runs[0].label}'s (log scale; above 1 = slower)")
    ax.set_title(f"Median round time of each case relative to run {runs[0].label}", fontweight="bold")
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


def main(argv: list[str], Parser: type[argparse.ArgumentParser]) -> int:
    parser = Parser(prog="bench compare", description="Compare saved runs, each against the first, with significance.")
    parser.add_argument("runs", nargs="*", metavar="RUN", help="run numbers (0002) or files, two or more")
    parser.add_argument("--results", default="results", help="folder of saved runs (default: results)")
    parser.add_argument("--out", default="reports", help="folder for reports (default: reports)")
    parser.add_argument(
        "--fail-on-regression",
        type=threshold,
        metavar="P",
        help="exit 1 if a case is significantly slower by more than P (10%% or 0.1)",
    )
    args = parser.parse_args(argv)
    for salvaged in results.salvage(Path(args.results)):
        print(f"Saved the cases of an interrupted run as {salvaged}")
    runs = load(args.runs, Path(args.results))
    frame = table(runs)
    fig = figure(frame, runs)
    print(header(runs), text_table(frame, runs), summary(frame, runs), sep="\n\n")
    folder = Path(args.out) / f"compare_{'_'.join(run.label for run in runs)}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        frame.to_csv(folder / "compare.csv", index=False)
        fig.savefig(folder / "compare.png", dpi=110)
    except OSError as exc:
        raise UserError(f"cannot write the comparison under {folder}: {exc.strerror or exc}") from None
    print(f"\nWrote {folder / 'compare.csv'} and {folder / 'compare.png'}")
    if args.fail_on_regression is None:
        return 0
    slower = regressions(frame, runs, args.fail_on_regression)
    if slower.empty:
        return 0
    print(
        f"REGRESSION: {len(slower)} case(s) significantly slower by more than {args.fail_on_regression * 100:g}%",
        *(f"  {case}" for case in slower.apply(_regression_line, axis=1, args=(runs,))),
        sep="\n",
    )
    return 1
