"""``python -m bench selfcheck --aa N [-- RUN OPTIONS]``: the A/A check, how often compare cries wolf.

Two runs of the same code on the same machine differ by chance alone, so every
significant verdict that ``compare`` gives between them is a false positive.
This makes 2N runs back to back (``python -m bench run RUN OPTIONS``, each in
its own process, as a user makes them), compares them in N pairs (1 with 2,
3 with 4, ...) with compare's own rules, and reports the share of compared
figures called changed, with its interval (Wilson's), against DESIGN decision
8's target: clean at least 95% of the time. It composes the harness (runs) and
the analysis (compare), so it is a command, in neither of them.
"""

from __future__ import annotations

import math
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from .. import results
from ..analysis import compare
from ..errors import UserError
from ..harness.parsing import positive_int
from ..stats import against_target
from .parser import EXIT_BAD_INPUT, Parser
from .run import run_parser

TARGET_CLEAN = 0.95  # DESIGN decision 8
Z95 = 1.959964


def wilson(hits: int, total: int) -> tuple[float, float]:
    """95% interval of a proportion ``hits / total`` (Wilson score), for a rate measured on few figures."""
    if total == 0:
        return (math.nan, math.nan)
    p = hits / total
    denominator = 1 + Z95**2 / total
    centre = (p + Z95**2 / (2 * total)) / denominator
    half = Z95 * math.sqrt(p * (1 - p) / total + Z95**2 / (4 * total**2)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def compared(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of a compare table that compared a figure present in both runs."""
    return frame[~frame["verdict"].str.startswith(compare.NOT_IN)]


def tally(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Every compared figure of every pair, with the pair's number."""
    return pd.concat(
        [compared(frame).assign(aa_pair=number) for number, frame in enumerate(frames, 1)], ignore_index=True
    )


def summary(rows: pd.DataFrame) -> list[str]:
    """The false-positive rate, overall and by kind of figure, and the figures called changed."""
    lines = []
    for what, chosen in (
        ("all compared figures", rows),
        ("paired figures", rows[rows["basis"] == compare.PAIRED_BASIS]),
        ("round times", rows[rows["basis"] == compare.DRIFT_BASIS]),
    ):
        if chosen.empty:
            continue
        hits, total = int(chosen["significant"].sum()), len(chosen)
        low, high = wilson(hits, total)
        untested = int(chosen["verdict"].str.startswith(("inconclusive", "too few", "not tested")).sum())
        lines.append(
            f"{what}: {hits} of {total} called changed: false-positive rate {hits / total:.1%} "
            f"(95% CI {low:.1%}-{high:.1%}); {untested} not called either way"
        )
    hits, total = int(rows["significant"].sum()), len(rows)
    low, high = wilson(hits, total)
    verdict = against_target(low, high, 1 - TARGET_CLEAN)
    lines.append(
        f"A/A target: clean in at least {TARGET_CLEAN:.0%} of compared figures, i.e. a rate <= {1 - TARGET_CLEAN:.0%}: "
        f"{verdict}"
    )
    flagged = rows[rows["significant"]]
    if not flagged.empty:
        lines.append("Called changed (false positives):")
        lines += [
            f"  pair {row.aa_pair}: {row.workload} {row.executor} w{row.workers}"
            f"{' ' + str(row.python) if row.python else ''} {row.figure}: {row.ratio:.3f} "
            f"[{row.ci_low:.3f}-{row.ci_high:.3f}] {row.verdict}"
            for row in flagged.itertuples()
        ]
    return lines


class Refused(Exception):
    """A run refused its options: it said why, in its one ERROR line."""


def run_once(run_args: list[str], results_dir: Path) -> Path:
    """One ``python -m bench run`` of the check, in its own process; the path it saved."""
    before = set(results.saved_runs(results_dir))
    done = subprocess.run(
        [sys.executable, "-m", "bench", "run", *run_args, "--no-report", "--results", str(results_dir)], check=False
    )
    if done.returncode == 2:
        raise Refused
    if done.returncode >= 128:
        raise KeyboardInterrupt
    made = sorted(set(results.saved_runs(results_dir)) - before)
    if not made:
        raise UserError(f"an A/A run saved nothing (exit {done.returncode})")
    return made[-1]


def parse(argv: list[str]) -> tuple[int, Path, list[str]]:
    """The pairs to run, the folder for them, and the options of every run (checked now, one line if wrong)."""
    own, run_args = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    parser = Parser(
        prog="bench selfcheck",
        description="The A/A check: 2N runs of the same code back to back, compared in N pairs; options after -- "
        "go to every run (e.g. -- --quick --workloads cpu,pipeline).",
    )
    parser.add_argument("--aa", type=positive_int, required=True, metavar="N", help="pairs of runs to compare")
    parser.add_out("folder for the check's runs and table")
    args = parser.parse_args(own)
    run_parser().parse_args(run_args)  # a mistake in the runs' options: one line now, before any run
    return args.aa, Path(args.out), run_args


def main(argv: list[str]) -> int:
    pairs, out, run_args = parse(argv)
    folder = out / f"aa_{datetime.now(UTC):%Y%m%d_%H%M%S}"
    try:
        (folder / "results").mkdir(parents=True, exist_ok=False)
    except OSError as exc:
        raise UserError(f"--out {out}: cannot make {folder} ({exc.strerror or exc})") from None
    paths = []
    for number in range(2 * pairs):
        print(f"A/A run {number + 1} of {2 * pairs}: python -m bench run {' '.join(run_args)}", flush=True)
        try:
            paths.append(run_once(run_args, folder / "results"))
        except Refused:
            return EXIT_BAD_INPUT  # the run printed its ERROR line: what parsing could not see (a --python interpreter)
    frames = []
    for first, second in zip(paths[::2], paths[1::2], strict=True):
        runs = compare.load([str(first), str(second)], folder / "results")
        frames.append(compare.table(runs))
    rows = tally(frames)
    rows.to_csv(folder / "aa.csv", index=False)
    lines = summary(rows)
    (folder / "aa.txt").write_text("\n".join(lines) + "\n")
    print("\nA/A check: " + f"{pairs} pair(s) of runs of the same code, back to back", *lines, sep="\n")
    print(f"\nWrote {folder / 'aa.csv'} and {folder / 'aa.txt'}")
    return 0
