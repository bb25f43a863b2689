"""``python -m bench compare A B [C...]``: saved runs side by side, each against the first, with significance.

The command's options and its order of work; the comparison itself (loading, the
table, its rule for a regression, its text and figure) is ``bench.analysis.compare``.
Everything is loaded and checked before anything is written, so bad input leaves
no half report. Exit 1 when ``--fail-on-regression`` finds a figure slower by more
than it allows.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import pandas as pd

from ..analysis import compare
from ..analysis.quantities import QUANTITIES
from ..errors import UserError
from .parser import Parser
from .salvage import salvage


def threshold(text: str) -> float:
    """``--fail-on-regression``: "10%" or "0.1", a fraction of the first run's time."""
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a fraction like 10% or 0.1") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a fraction of 0 or more, like 10% or 0.1")
    return value


def regression_line(row: pd.Series) -> str:
    python = f" {row['python']}" if row["python"] else ""
    return (
        f"{row['workload']} {row['executor']} w{row['workers']}{python} ({row['params']}): "
        f"{QUANTITIES[row['figure']].label} {row['pair']} {row['ratio']:.2f}x"
    )


def parse(argv: list[str]) -> tuple[list[str], Path, Path, float | None]:
    """The runs, the results and report folders, and the regression threshold (None: no regression check)."""
    parser = Parser(prog="bench compare", description="Compare saved runs, each against the first, with significance.")
    parser.add_argument("runs", nargs="*", metavar="RUN", help="run numbers (0002) or files, two or more")
    parser.add_results()
    parser.add_out()
    parser.add_argument(
        "--fail-on-regression",
        type=threshold,
        metavar="P",
        help="exit 1 if a round time (or time against the ideal) is significantly slower by more than P "
        "(10%% or 0.1); round times need two passes or more in each run to be called",
    )
    args = parser.parse_args(argv)
    return args.runs, Path(args.results), Path(args.out), args.fail_on_regression


def main(argv: list[str]) -> int:
    specs, root, out, limit = parse(argv)
    salvage(root)
    runs = compare.load(specs, root)
    frame = compare.table(runs)
    fig = compare.figure(frame, runs)
    print(compare.header(runs), compare.report_text(frame), compare.summary(frame), sep="\n\n")
    folder = out / f"compare_{'_'.join(run.label for run in runs)}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        frame.to_csv(folder / "compare.csv", index=False)
        fig.savefig(folder / "compare.png", dpi=110)
    except OSError as exc:
        raise UserError(f"cannot write the comparison under {folder}: {exc.strerror or exc}") from None
    print(f"\nWrote {folder / 'compare.csv'} and {folder / 'compare.png'}")
    if limit is None:
        return 0
    slower = compare.regressions(frame, limit)
    if slower.empty:
        return 0
    print(
        f"REGRESSION: {len(slower)} figure(s) significantly slower by more than {limit * 100:g}%",
        *(f"  {line}" for line in slower.apply(regression_line, axis=1)),
        sep="\n",
    )
    return 1
