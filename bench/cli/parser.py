"""What every command shares: a parser whose usage mistakes are ``UserError``s, and the folders' options.

A usage mistake is one ``ERROR: ...`` line and exit 2, like any other bad input: the
dispatcher (``bench.cli``) prints it; argparse's own usage block would bury it.
"""

from __future__ import annotations

import argparse
from typing import NoReturn

from ..errors import UserError
from ..harness.options import RESULTS

EXIT_BAD_INPUT = 2
REPORTS = "reports"  # folder of reports, unless --out says otherwise


class Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line, not a usage block."""

    def error(self, message: str) -> NoReturn:
        raise UserError(f"{message} (see: python -m bench {self.prog.split()[-1]} --help)")

    def add_results(self, what: str = "folder of saved runs") -> None:
        """``--results DIR``, the folder of saved runs."""
        self.add_argument("--results", default=RESULTS, help=f"{what} (default: {RESULTS})")

    def add_out(self, what: str = "folder for reports") -> None:
        """``--out DIR``, where a command writes its report."""
        self.add_argument("--out", default=REPORTS, help=f"{what} (default: {REPORTS})")
