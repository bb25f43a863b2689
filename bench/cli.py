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

SUITE = Path(__file__).parent / "harness" / "suite.py"
PYTEST_FLAGS = ("-x", "-v", "-q")  # pytest's own options that `bench run` passes through
PYTEST_OPTIONS = ("-k", "-m")  # ... and those that take a value
EXIT_BAD_INPUT = 2


class Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line, not a usage block."""

    def error(self, message: str) -> NoReturn:
        raise UserError(f"{message} (see: python -m bench {self.prog.split()[-1]} --help)")


def _interrupting(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_args(known: argparse.Namespace) -> list[str]:
    """pytest's command line for the suite; our own ini overrides keep a project's pytest settings out."""
    passed: list[str] = []
    for flag in PYTEST_FLAGS:
        passed += [flag] * getattr(known, flag[1:])
    for option in PYTEST_OPTIONS:
        for value in getattr(known, option[1:]) or []:
            passed += [option, value]
    return [
        str(SUITE),
        "-p",
        "no:cacheprovider",
        "-p",
        "no:xdist",  # cases run one at a time, always: not spread over workers by an installed pytest-xdist
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
        *passed,
    ]


def run_parser() -> Parser:
    from .harness.options import add_options

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


def cmd_run(argv: list[str]) -> int:
    import pytest

    from . import results
    from .harness import config as run_config
    from .harness.calibrate import calibrate
    from .harness.plugin import BenchPlugin

    known = run_parser().parse_args(argv)
    config = run_config.build(vars(known))  # every UserError now, before anything runs
    for path in results.salvage(Path(config.results)):
        print(f"Saved the cases of an interrupted run as {path}")
    calibrate(config)
    plugin = BenchPlugin(config, [sys.argv[0], "run", *argv])
    received: list[int] = []

    def on_signal(signum: int, frame: Any) -> None:
        received.append(signum)
        _interrupting(signum, frame)

    # Started from a pytest-xdist worker (a test suite that runs the harness), pytest-benchmark would read this
    # and silently disable every measurement: this run is no xdist worker.
    os.environ.pop("PYTEST_XDIST_WORKER", None)
    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        code = pytest.main(pytest_args(known), plugins=[plugin])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if code == pytest.ExitCode.USAGE_ERROR:
        return EXIT_BAD_INPUT
    if code == pytest.ExitCode.INTERRUPTED:
        return 128 + (received[0] if received else signal.SIGINT)
    if code == pytest.ExitCode.NO_TESTS_COLLECTED:
        print("ERROR: no case matches the selection", file=sys.stderr)
        return EXIT_BAD_INPUT
    saved = plugin.run.saved if plugin.run is not None else None
    if saved is not None:
        after_run(saved, write=not known.no_report)
    return int(code)


def after_run(saved: Path, write: bool) -> None:
    """What a reader looks for, from the saved file: the headline table, then the verdict last, where the eye lands."""
    from . import results
    from .analysis import verdict  # pandas and matplotlib: only once the measuring is over
    from .analysis.summary import headline
    from .analysis.table import cases

    run = results.load_run(saved)
    table = headline(run)
    if table:
        print("\nconcurrency-bench: headline figures")
        print(table)
    from .analysis.side_by_side import printed

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
        from .analysis.report import write_report

        folder = write_report(saved, Path("reports"))
        print(f"Report: {folder / 'index.md'}")


def cmd_list(argv: list[str]) -> int:
    import workloads

    from . import machine
    from .harness.config import cpu_ladder
    from .harness.options import show_value
    from .worker.executors import missing_requirements, registry, unavailable

    Parser(prog="bench list", description="Print workloads, executors and their parameters.").parse_args(argv)
    usable = machine.usable_cores()
    print(f"Machine: {machine.describe(machine.collect())}\n")
    print("Workloads (set a parameter with --WORKLOAD-PARAM VALUE; your own: --workloads module:function):")
    ladder = ",".join(map(str, cpu_ladder(usable)))
    for name, workload in workloads.load_all().items():
        hidden = "  [not in the default matrix]" if workload.hidden else ""
        hidden = hidden or ("  [not in --quick]" if not workload.in_quick else "")
        judged = workloads.JUDGED_WORDS.get(workload.judged_by, workload.judged_by)
        judged += f" {workload.ideal}" if workload.judged_by == workloads.IDEAL else ""
        print(f"  {name:<10} {workload.summary()} ({workload.unit}; {judged}){hidden}")
        workers = ",".join(map(str, workload.default_workers)) or ladder
        print(f"      {'--' + name + '-workers':<26} worker counts [default {workers}]")
        for param in workload.params:
            print(
                f"      {'--' + name + '-' + param.name.replace('_', '-'):<26} {param.help} "
                f"[default {show_value(param.default, param.kind)}, --quick {show_value(param.quick, param.kind)}]"
            )
    print("\nExecutors (--executors LIST, or all):")
    for name, info in registry().items():
        missing = missing_requirements(name)
        why_not = unavailable(name)
        state = f"  [not installed: {', '.join(missing)}; {info.install or 'pip install ' + ' '.join(missing)}]"
        state = state if missing else (f"  [skipped here: {why_not}]" if why_not else "")
        default = "" if info.default else "  [not in the default matrix]"
        print(f"  {name:<20} {info.summary}{default}{state}")
    quick = ",".join(map(str, cpu_ladder(usable, quick=True)))
    print(
        f"\nWorkers (--workers LIST): {ladder} (up to 2x the {usable} usable cores; --quick {quick}) "
        "unless the workload has its own"
    )
    return 0


def cmd_report(argv: list[str]) -> int:
    from . import results
    from .analysis.report import write_report

    parser = Parser(prog="bench report", description="Write the PNG report of a saved run.")
    parser.add_argument("run", nargs="?", help="run file or number (default: the newest under --results)")
    parser.add_argument("--results", default="results", help="folder of saved runs (default: results)")
    parser.add_argument("--out", default="reports", help="folder for reports (default: reports)")
    args = parser.parse_args(argv)
    root = Path(args.results)
    for salvaged in results.salvage(root):
        print(f"Saved the cases of an interrupted run as {salvaged}")
    path = results.resolve(args.run, root) if args.run else results.newest(root)
    folder = write_report(path, Path(args.out))
    print(f"Report: {folder / 'index.md'}")
    return 0


def cmd_compare(argv: list[str]) -> int:
    from .analysis.compare import main as compare_main

    return compare_main(argv, Parser)


def cmd_selfcheck(argv: list[str]) -> int:
    if any(arg == "--aa" or arg.startswith("--aa=") for arg in argv[: argv.index("--") if "--" in argv else None]):
        from .aa import main as aa_main  # runs and compare: the harness and the analysis together

        return aa_main(argv, Parser)
    from .harness.selfcheck import main as selfcheck_main

    return selfcheck_main(argv, Parser)


def cmd_salvage(argv: list[str]) -> int:
    from . import results

    parser = Parser(
        prog="bench salvage",
        description="Turn the journals left by killed runs into partial runs (report and compare do it too).",
    )
    parser.add_argument("--results", default="results", help="folder of saved runs (default: results)")
    args = parser.parse_args(argv)
    saved = results.salvage(Path(args.results))
    for path in saved:
        print(f"Saved the cases of an interrupted run as {path}")
    if not saved:
        print(f"No journal of a killed run under {args.results}/.")
    return 0


COMMANDS = {
    "run": cmd_run,
    "list": cmd_list,
    "report": cmd_report,
    "compare": cmd_compare,
    "selfcheck": cmd_selfcheck,
    "salvage": cmd_salvage,
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
            "  selfcheck  benchmark the harness itself: overhead, noise, headroom (--aa N: the A/A check)\n"
            "  salvage    turn the journals of killed runs into partial runs"
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
