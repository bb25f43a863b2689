"""The README's excerpt of the reference verdict: print it, or write it between the README's markers.

    python tools/readme_excerpt.py                  # print the excerpt of the committed 2-core reference run
    python tools/readme_excerpt.py --write          # ... and put it in README.md, between the markers
    python tools/readme_excerpt.py RUN.json         # the excerpt of another saved run

Run ``--write`` whenever the reference run is remade; tests/test_readme.py fails while the two differ.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout, installed or not

from bench.analysis.excerpt import excerpt  # noqa: E402
from bench.results import load_run  # noqa: E402

REFERENCE = ROOT / "results" / "reference" / "reference-2-cores.json"
README = ROOT / "README.md"
BEGIN = "<!-- excerpt: written by python tools/readme_excerpt.py --write; do not edit by hand -->"
END = "<!-- excerpt: end -->"


def replaced(readme: str, text: str) -> str:
    """``readme`` with ``text`` between its markers (each on a line of its own)."""
    before, begin, rest = readme.partition(BEGIN + "\n")
    _, end, after = rest.partition(END)
    if not begin or not end:
        raise SystemExit(f"ERROR: {README.name} has no excerpt markers ({BEGIN} ... {END})")
    return f"{before}{begin}{text}{end}{after}"


def held(readme: str) -> str:
    """What ``readme`` holds between its markers."""
    return readme.partition(BEGIN + "\n")[2].partition(END)[0]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", nargs="?", type=Path, default=REFERENCE, help="a saved run (default: %(default)s)")
    parser.add_argument("--write", action="store_true", help="write it into README.md between the markers")
    args = parser.parse_args(argv)
    text = excerpt(load_run(args.run))
    if args.write:
        README.write_text(replaced(README.read_text(), text))
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
