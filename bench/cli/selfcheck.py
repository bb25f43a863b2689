"""``python -m bench selfcheck``: the harness benchmarks itself, so its numbers can be trusted.

Its options, each default stated once (``--quick`` ones beside them), then the
checks of ``bench.harness.selfcheck``; with ``--aa N`` it is the A/A check
instead (``bench.cli.aa``), which runs the harness and the analysis together.
"""

from __future__ import annotations

import argparse

from ..errors import UserError
from ..harness import selfcheck as checks
from ..harness.checks import check_results_folder
from ..harness.client import CaseFailed
from ..harness.options import RESULTS, Option, add_option
from ..harness.parsing import int_list, name_list, positive_duration, positive_int
from .parser import Parser

HTTP_EXECUTORS = ["threads", "gevent", "asyncio"]

#: The self-check's options: a table, so each default is stated once, beside its help.
OPTIONS = (
    Option("quick", "tiny sizes: seconds, for tests"),
    Option("results", "folder for the saved JSON (default: {default})", str, default=RESULTS),
    Option("interval", "sampling interval (default: {default})", positive_duration, default=0.05),
    Option("noop-rounds", "no-op rounds (default: {default}; quick {quick})", positive_int, default=500, quick=50),
    Option("pairs", "sampler on/off pairs (default: {default}; quick {quick})", positive_int, default=20, quick=2),
    Option(
        "cpu-n",
        "cpu countdown per round (default: {default}; quick {quick})",
        positive_int,
        default=10_000_000,
        quick=200_000,
    ),
    Option(
        "http-workers",
        "http concurrencies (default: {default}; quick {quick})",
        int_list,
        default=(50, 200),
        quick=(10,),
    ),
    Option(
        "http-requests", "requests per round (default: {default}; quick {quick})", positive_int, default=400, quick=40
    ),
    Option(
        "http-latency",
        "server delay (default: {default}; quick {quick})",
        positive_duration,
        default=0.020,
        quick=0.002,
    ),
    Option(
        "http-executors",
        "default: {default}",
        name_list(lambda: HTTP_EXECUTORS, "executor"),
        default=("asyncio", "gevent", "threads"),
    ),
)


def parse(argv: list[str]) -> argparse.Namespace:
    """The options, every one not given at its default (its --quick one with --quick)."""
    parser = Parser(prog="bench selfcheck", description=__doc__.splitlines()[0])
    for option in OPTIONS:
        add_option(parser.add_argument, option)
    args = parser.parse_args(argv)
    for option in OPTIONS:
        if option.type is not None and getattr(args, option.dest) is None:
            setattr(args, option.dest, option.default_for(args.quick))
    return args


def main(argv: list[str]) -> int:
    if any(arg == "--aa" or arg.startswith("--aa=") for arg in argv[: argv.index("--") if "--" in argv else None]):
        from .aa import main as aa_main  # runs and compare: the harness and the analysis together

        return aa_main(argv)
    args = parse(argv)
    check_results_folder(args.results)  # before minutes of measuring, not after
    try:
        entries = checks.run_checks(args)
    except CaseFailed as exc:
        raise UserError(f"the self-check could not run: {exc.kind}: {exc}") from None
    checks.save(entries, args, argv)
    return 0
