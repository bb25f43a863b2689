"""``python -m bench run``: measure the matrix through pytest-benchmark, save it, then show what it found.

The options are checked and the run's configuration built once, before anything
runs; calibration sizes what asks for it; the suite runs under pytest with the
plugin; the headline table and the verdict are read back from the saved file,
and only then is the analysis (pandas, matplotlib) imported: measuring and
analysing stay apart. SIGTERM stops a run as Ctrl-C does, and the finished cases
are saved as a partial run (exit 128+N).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from .. import results
from ..harness import clock
from ..harness import config as run_config
from ..harness.calibrate import calibrate
from ..harness.display import Display
from ..harness.options import add_options
from ..harness.plugin import BenchPlugin
from .parser import EXIT_BAD_INPUT, REPORTS, Parser
from .salvage import salvage

SUITE = Path(__file__).parents[1] / "harness" / "suite.py"
PYTEST_FLAGS = ("-x", "-v", "-q")  # pytest's own options that `bench run` passes through
PYTEST_OPTIONS = ("-k", "-m")  # ... and those that take a value
#: A failed case never used its benchmark fixture: pytest-benchmark's warning about it says nothing the failure
#: does not (pytest's -W: action:message:category).
UNUSED_FIXTURE = "ignore:Benchmark fixture was not used at all:pytest_benchmark.logger.PytestBenchmarkWarning"


def pytest_args(known: argparse.Namespace) -> list[str]:
    """pytest's command line for the suite; our own ini overrides keep a project's pytest settings out.

    With -v, pytest's own terminal shows the run (an item per line, its summaries). Without it the run's own
    display does (``bench.harness.display``), so pytest's terminal is off, and with it the options only it
    knows (-r, -q, -v, the console style); capturing is off too, so the live display reaches the terminal
    (the suite prints nothing itself, and workers write to their own files).
    """
    selected: list[str] = []
    for option in PYTEST_OPTIONS:
        for value in getattr(known, option[1:]) or []:
            selected += [option, value]
    selected += ["-x"] * known.x
    common = [
        str(SUITE),
        "-p",
        "no:cacheprovider",
        "-p",
        "no:xdist",  # cases run one at a time, always: not spread over workers by an installed pytest-xdist
        "-o",
        "addopts=",
        "-o",
        "filterwarnings=",
        "-W",
        UNUSED_FIXTURE,
        "--benchmark-sort=name",
        "--benchmark-group-by=group",
        "--benchmark-columns=min,median,max,iqr,rounds",
        f"--benchmark-timer={clock.TIMER}",  # the rounds the harness counted, replayed (bench.harness.clock)
        *selected,
    ]
    if not verbose(known):
        return [*common, "-p", "no:terminal", "--capture=no"]
    shown = [flag for flag in ("-v", "-q") for _ in range(getattr(known, flag[1:]))]
    return [*common, "-o", "console_output_style=count", "-v", "-rfEs", *shown]


def verbose(known: argparse.Namespace) -> bool:
    """-v: pytest's own terminal shows the run instead of the run's display."""
    return bool(known.v)


def run_parser() -> Parser:
    parser = Parser(
        prog="bench run",
        description="Run the matrix and save it under --results. "
        "pytest's -k EXPR, -m EXPR, -x, -v and -q pass through to select and show cases.",
        allow_abbrev=False,
    )
    add_options(parser.add_argument)
    parser.add_argument("--no-report", action="store_true", help="do not write the PNG report afterwards")
    for flag in PYTEST_FLAGS:
        parser.add_argument(flag, action="count", default=0, dest=flag[1:], help=argparse.SUPPRESS)
    for option in PYTEST_OPTIONS:
        parser.add_argument(option, action="append", dest=option[1:], help=argparse.SUPPRESS)
    return parser


def _interrupting(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@contextmanager
def signals_interrupt() -> Iterator[list[int]]:
    """SIGTERM, like SIGINT, interrupts what runs inside (pytest saves a partial run); yields the signals received."""
    received: list[int] = []

    def on_signal(signum: int, frame: Any) -> None:
        received.append(signum)
        _interrupting(signum, frame)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield received
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main(argv: list[str]) -> int:
    known = run_parser().parse_args(argv)
    config = run_config.build(vars(known))  # every UserError now, before anything runs
    salvage(Path(config.results))
    display = None if verbose(known) else Display(quiet=bool(known.q))
    plugin = BenchPlugin(config.with_sizes(calibrate(config)), [sys.argv[0], "run", *argv], display)
    # Started from a pytest-xdist worker (a test suite that runs the harness), pytest-benchmark would read this
    # and silently disable every measurement: this run is no xdist worker.
    os.environ.pop("PYTEST_XDIST_WORKER", None)
    with signals_interrupt() as received:
        code = pytest.main(pytest_args(known), plugins=[plugin])
    if code == pytest.ExitCode.USAGE_ERROR:
        return EXIT_BAD_INPUT
    if code == pytest.ExitCode.INTERRUPTED:
        return 128 + (received[0] if received else signal.SIGINT)
    if code == pytest.ExitCode.NO_TESTS_COLLECTED:
        print("ERROR: no case matches the selection", file=sys.stderr)
        return EXIT_BAD_INPUT
    saved = plugin.run.saved if plugin.run is not None else None
    if saved is not None:
        after_run(saved, write=not known.no_report, headline=verbose(known))
    return int(code)


def after_run(saved: Path, write: bool, headline: bool = True) -> None:
    """What a reader looks for, from the saved file: the headline table (where the run's lines did not show each
    case's figure already), then the verdict last, where the eye lands."""
    from ..analysis import verdict  # pandas and matplotlib: only once the measuring is over
    from ..analysis.side_by_side import printed
    from ..analysis.summary import headline as headline_table
    from ..analysis.table import cases

    run = results.load_run(saved)
    table = headline_table(run) if headline else ""
    if table:
        print("\nconcurrency-bench: headline figures")
        print(table)
    compared = printed(run)
    if compared:
        print("\nInterpreters side by side (time ratio to the first, interleaved in this run; own speedups):")
        print(compared)
    frame = cases(run)
    found = verdict.verdicts(run, frame)
    if found:
        print("\nconcurrency-bench: the verdict")
        print(verdict.as_text(found, verdict.confidence_note(frame)))
    if write:
        from ..analysis.report import write_report

        folder = write_report(saved, Path(REPORTS))
        print(f"Report: {folder / 'index.md'}")
