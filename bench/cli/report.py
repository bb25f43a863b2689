"""``python -m bench report [RUN]``: the PNG report of a saved run (the newest by default)."""

from __future__ import annotations

from pathlib import Path

from .. import results
from ..analysis.report import write_report
from .parser import Parser
from .salvage import salvage


def main(argv: list[str]) -> int:
    parser = Parser(prog="bench report", description="Write the PNG report of a saved run.")
    parser.add_argument("run", nargs="?", help="run file or number (default: the newest under --results)")
    parser.add_results()
    parser.add_out()
    args = parser.parse_args(argv)
    root = Path(args.results)
    salvage(root)
    path = results.resolve(args.run, root) if args.run else results.newest(root)
    folder = write_report(path, Path(args.out))
    print(f"Report: {folder / 'index.md'}")
    return 0
