"""``python -m bench compare A B [C...]``: saved runs side by side, each against the first, with significance.

Two runs made at different times saw different speed phases of the machine
(DESIGN decision 8), so the figures compared come in two tables: first the
paired ones (speedup, effective cores, time against the ideal), in which drift
within each run cancels; then the absolute round times, labelled as exposed to
drift. ``compare.csv`` holds every compared figure, one row each, with its
interval and verdict. One job per module, and this one names them for whoever
compares (the command, the A/A check):

- ``compare_runs``: the runs, loaded, labelled and checked comparable (``load``);
- ``compare_table``: every compared figure with its ratio, interval and verdict (``table``), and the
  regression rule (``regressions``);
- ``compare_text``: what is printed (``header``, ``report_text``, ``summary``);
- ``figures.compare``: its figure (``figure``).

``main`` (the command's arguments, and what it writes) moves to the command-line package at issue 18's merge;
what stays here is the compare job's API, named below (``__all__``) for the command and the A/A check.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import pandas as pd

from .. import results
from ..errors import UserError
from .compare_runs import Loaded, labels, load, pairs
from .compare_table import DRIFT_BASIS, PAIRED_BASIS, regressions, table
from .compare_text import differences, header, report_text, summary
from .figures.compare import figure
from .quantities import QUANTITIES

__all__ = [
    "DRIFT_BASIS",
    "PAIRED_BASIS",
    "Loaded",
    "differences",
    "figure",
    "header",
    "labels",
    "load",
    "main",
    "pairs",
    "regressions",
    "report_text",
    "summary",
    "table",
    "threshold",
]


def threshold(text: str) -> float:
    """``--fail-on-regression``: "10%" or "0.1", a fraction of the first run's time."""
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a fraction like 10% or 0.1") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a fraction of 0 or more, like 10% or 0.1")
    return value


def _regression_line(row: pd.Series) -> str:
    python = f" {row['python']}" if row["python"] else ""
    return (
        f"{row['workload']} {row['executor']} w{row['workers']}{python} ({row['params']}): "
        f"{QUANTITIES[row['figure']].label} {row['pair']} {row['ratio']:.2f}x"
    )


def main(argv: list[str], Parser: type[argparse.ArgumentParser]) -> int:
    parser = Parser(prog="bench compare", description="Compare saved runs, each against the first, with significance.")
    parser.add_argument("runs", nargs="*", metavar="RUN", help="run numbers (0002) or files, two or more")
    parser.add_argument("--results", default="results", help="folder of saved runs (default: results)")
    parser.add_argument("--out", default="reports", help="folder for reports (default: reports)")
    parser.add_argument(
        "--fail-on-regression",
        type=threshold,
        metavar="P",
        help="exit 1 if a round time (or time against the ideal) is significantly slower by more than P "
        "(10%% or 0.1); round times need two passes or more in each run to be called",
    )
    args = parser.parse_args(argv)
    for salvaged in results.salvage(Path(args.results)):
        print(f"Saved the cases of an interrupted run as {salvaged}")
    runs = load(args.runs, Path(args.results))
    frame = table(runs)
    fig = figure(frame, runs)
    print(header(runs), report_text(frame), summary(frame), sep="\n\n")
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
    slower = regressions(frame, args.fail_on_regression)
    if slower.empty:
        return 0
    print(
        f"REGRESSION: {len(slower)} figure(s) significantly slower by more than {args.fail_on_regression * 100:g}%",
        *(f"  {line}" for line in slower.apply(_regression_line, axis=1)),
        sep="\n",
    )
    return 1
