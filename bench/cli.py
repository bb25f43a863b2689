"""``python -m bench run|list|report|compare|selfcheck``: the command line.

Bad input is one ``ERROR: ...`` line on stderr and exit code 2, before anything
runs (``UserError`` is caught here and only here). Exit codes: 0 all good,
1 some case failed (or a compare found a regression), 2 bad input,
128+N interrupted by signal N (the finished cases are saved as a partial run).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from . import __version__
from .errors import UserError

SUITE = Path(__file__).with_name("suite.py")
PYTEST_FLAGS = ("-x", "-v", "-q")  # pytest's own options that `bench run` passes through
PYTEST_OPTIONS = ("-k", "-m")  # ... and those that take a value
EXIT_BAD_INPUT = 2


class Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line, not a usage block."""

    def error(self, message: str) -> NoReturn:
        raise UserError(f"{message} (see: python -m bench {self.prog.split()[-1]} --help)")


def _interrupting(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_args(rest: list[str], ours: list[str]) -> list[str]:
    """pytest's command line for the suite; our own ini overrides keep a project's pytest settings out."""
    return [
        str(SUITE),
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=",
        "-o",
        "filterwarnings=",
        "-o",
        "console_output_style=count",
        "-v",
        "-rfEs",
        "--benchmark-sort=name",
        "--benchmark-group-by=group",
        "--benchmark-columns=min,median,max,iqr,rounds",
        *ours,
        *rest,
    ]


def cmd_run(argv: list[str]) -> int:
    import pytest

    from . import matrix, plugin
    from .options import add_options, forward, run_options

    parser = Parser(
        prog="bench run",
        description="Run the matrix and save it under --results. "
        "pytest's -k EXPR, -m EXPR, -x, -v and -q pass through to select and show cases.",
        allow_abbrev=False,
    )
    add_options(parser.add_argument, "")
    parser.add_argument("--no-report", action="store_true", help="do not write the PNG report afterwards")
    for flag in PYTEST_FLAGS:
        parser.add_argument(flag, action="count", default=0, help=argparse.SUPPRESS)
    for option in PYTEST_OPTIONS:
        parser.add_argument(option, action="append", help=argparse.SUPPRESS)
    known = parser.parse_args(argv)
    matrix.from_options({o.dest: getattr(known, o.dest) for o in run_options()})  # UserError now, not later
    ours, rest = forward([a for a in argv if a != "--no-report"])

    class Capture:
        config: pytest.Config | None = None

        def pytest_configure(self, config: pytest.Config) -> None:
            self.config = config

    capture = Capture()
    received: list[int] = []

    def on_signal(signum: int, frame: Any) -> None:
        received.append(signum)
        _interrupting(signum, frame)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        code = pytest.main(pytest_args(rest, ours), plugins=[plugin, capture])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if code == pytest.ExitCode.USAGE_ERROR:
        return EXIT_BAD_INPUT
    if code == pytest.ExitCode.INTERRUPTED:
        return 128 + (received[0] if received else signal.SIGINT)
    run = capture.config.stash.get(plugin.RUN, None) if capture.config else None
    if code == pytest.ExitCode.NO_TESTS_COLLECTED:
        print("ERROR: no case matches the selection", file=sys.stderr)
        return EXIT_BAD_INPUT
    if run is not None and run.saved and not known.no_report:
        from .report import write_report

        folder = write_report(run.saved, Path("reports"))
        print(f"Report: {folder / 'index.md'}")
    return int(code)


def cmd_list(argv: list[str]) -> int:
    import workloads

    from . import machine
    from .executors import EXECUTORS, missing_requirements
    from .matrix import DEFAULT_HTTP_LADDER, cpu_ladder
    from .options import show_value

    Parser(prog="bench list", description="Print workloads, executors and their parameters.").parse_args(argv)
    usable = machine.usable_cores()
    print(f"Machine: {machine.describe(machine.collect())}\n")
    print("Workloads (set a parameter with --WORKLOAD-PARAM VALUE):")
    for name, workload in workloads.load_all().items():
        hidden = "  [not in the default matrix]" if workload.hidden else ""
        summary = (workload.__doc__ or sys.modules[workload.__module__].__doc__ or "").strip().splitlines()[0]
        print(f"  {name:<10} {summary} ({workload.unit}){hidden}")
        for param in workload.params:
            print(
                f"      {'--' + name + '-' + param.name.replace('_', '-'):<26} {param.help} "
                f"[default {show_value(param.default, param.kind)}, --quick {show_value(param.quick, param.kind)}]"
            )
    print("\nExecutors (--executors LIST):")
    for name, info in EXECUTORS.items():
        missing = missing_requirements(name)
        state = f"  [not installed: {', '.join(missing)}]" if missing else ""
        print(f"  {name:<10} {info.summary}{state}")
    ladder = ",".join(map(str, cpu_ladder(usable)))
    http = ",".join(map(str, DEFAULT_HTTP_LADDER))
    print(f"\nWorkers (--workers LIST): cpu and pipeline {ladder} (up to 2x the {usable} usable cores); http {http}")
    return 0


def cmd_report(argv: list[str]) -> int:
    from . import results
    from .report import write_report

    parser = Parser(prog="bench report", description="Write the PNG report of a saved run.")
    parser.add_argument("run", nargs="?", help="run file or number (default: the newest under --results)")
    parser.add_argument("--results", default="results", help="folder of saved runs (default: results)")
    parser.add_argument("--out", default="reports", help="folder for reports (default: reports)")
    args = parser.parse_args(argv)
    root = Path(args.results)
    path = results.resolve(args.run, root) if args.run else results.newest(root)
    folder = write_report(path, Path(args.out))
    print(f"Report: {folder / 'index.md'}")
    return 0


def cmd_compare(argv: list[str]) -> int:
    from .compare import main as compare_main

    return compare_main(argv, Parser)


def cmd_selfcheck(argv: list[str]) -> int:
    from .selfcheck import main as selfcheck_main

    return selfcheck_main(argv, Parser)


COMMANDS = {
    "run": cmd_run,
    "list": cmd_list,
    "report": cmd_report,
    "compare": cmd_compare,
    "selfcheck": cmd_selfcheck,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(
            f"concurrency-bench {__version__}: python -m bench {{{','.join(COMMANDS)}}} [options]\n"
            "  run        run the matrix and save the results (see run --help)\n"
            "  list       workloads, executors and their parameters\n"
            "  report     PNG report of a saved run\n"
            "  compare    compare saved runs, with significance\n"
            "  selfcheck  benchmark the harness itself: overhead, noise, headroom"
        )
        return 0 if args else EXIT_BAD_INPUT
    if args[0] == "--version":
        print(__version__)
        return 0
    command = COMMANDS.get(args[0])
    try:
        if command is None:
            raise UserError(f"unknown command {args[0]!r}; choose from: {', '.join(COMMANDS)}")
        return command(args[1:])
    except UserError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 128 + signal.SIGINT
    except BrokenPipeError:  # output piped into `head` and closed: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
