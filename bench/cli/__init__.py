"""``python -m bench run|list|report|compare|selfcheck|salvage|free-threaded``: the command line.

One module per command, each with a ``main(argv) -> exit code``; this one picks
the command and imports its module only then, so ``bench run`` loads no pandas
before it has measured and ``bench list`` no pytest. Bad input is one
``ERROR: ...`` line on stderr and exit code 2, before anything runs (``UserError``
is caught here and only here). Exit codes: 0 all good, 1 some case failed (or a
compare found a regression), 2 bad input, 128+N interrupted by signal N (the
finished cases are saved as a partial run).
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
from collections.abc import Sequence

from .. import __version__
from ..errors import UserError
from .parser import EXIT_BAD_INPUT

#: Each command: what it does, in the usage line.
COMMANDS = {
    "run": "run the matrix and save the results (see run --help)",
    "list": "workloads, executors and their parameters",
    "report": "PNG report of a saved run",
    "compare": "compare saved runs, with significance",
    "selfcheck": "benchmark the harness itself: overhead, noise, headroom (--aa N: the A/A check)",
    "salvage": "turn the journals of killed runs into partial runs",
    "free-threaded": "a free-threaded CPython for --python: the one found here, or 3.13.5t built once",
}
#: Commands whose module is not named after them (``list`` is a builtin; a module name has no ``-``).
MODULES = {"list": "listing", "free-threaded": "free_threaded"}


def usage() -> str:
    width = max(map(len, COMMANDS)) + 1
    return f"concurrency-bench {__version__}: python -m bench {{{','.join(COMMANDS)}}} [options]\n" + "\n".join(
        f"  {name:<{width}} {what}" for name, what in COMMANDS.items()
    )


def run_command(name: str, argv: list[str]) -> int:
    """The command's own ``main``; UserError for a command that does not exist."""
    if name not in COMMANDS:
        raise UserError(f"unknown command {name!r}; choose from: {', '.join(COMMANDS)}")
    module = importlib.import_module(f"{__name__}.{MODULES.get(name, name)}")
    return int(module.main(argv))


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(usage())
        return 0 if args else EXIT_BAD_INPUT
    if args[0] == "--version":
        print(__version__)
        return 0
    try:
        return run_command(args[0], args[1:])
    except UserError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 128 + signal.SIGINT
    except BrokenPipeError:  # output piped into `head` and closed: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
