"""``python -m bench salvage``: the journals left by killed runs, turned into partial runs."""

from __future__ import annotations

from pathlib import Path

from .. import results
from .parser import Parser


def salvage(root: Path) -> list[Path]:
    """Every journal of a killed run under ``root`` saved as a partial run, each said (run, report, compare too)."""
    saved = results.salvage(root)
    for path in saved:
        print(f"Saved the cases of an interrupted run as {path}")
    return saved


def main(argv: list[str]) -> int:
    parser = Parser(
        prog="bench salvage",
        description="Turn the journals left by killed runs into partial runs (report and compare do it too).",
    )
    parser.add_results()
    args = parser.parse_args(argv)
    if not salvage(Path(args.results)):
        print(f"No journal of a killed run under {args.results}/.")
    return 0
