"""``python -m bench free-threaded``: a free-threaded CPython for ``--python``, found here or built once.

One already installed wins (``python3.14t``/``python3.13t`` on PATH, pyenv's ``t``
versions, uv's free-threaded installs, then the cache); where there is none, the
pinned CPython 3.13.5 is built with ``--disable-gil`` into the cache, from its
source fetched through the Debian archive this machine's apt sources name
(``bench.harness.freethreaded``: a few minutes, once). It prints what it found,
or built, and the path to use; ``--path`` prints the path alone, for scripts
(``nox -s tests-free-threaded``). ``--environment`` also makes the worker
environment that ``--python`` would make on its first run, so that later runs,
and the tests, need no network. A source that cannot be had is one ``ERROR:``
line (``BuildFailed`` is a ``UserError``).
"""

from __future__ import annotations

import sys

from ..harness import freethreaded, interpreters
from .parser import Parser


def describe(found: freethreaded.Found) -> str:
    """``3.13t  CPython 3.13.5  /path/to/python3.13t  (cache)``."""
    return f"{found.label:<7} CPython {found.version:<8} {found.path}  ({found.origin})"


def main(argv: list[str]) -> int:
    parser = Parser(
        prog="bench free-threaded",
        description="Find a free-threaded CPython here, or build CPython "
        f"{freethreaded.VERSION} without the GIL into {freethreaded.cache_root()} (once; a few minutes), "
        "and print its path.",
    )
    parser.add_argument("--path", action="store_true", help="print only the interpreter's path (progress on stderr)")
    parser.add_argument(
        "--environment",
        action="store_true",
        help="also make its worker environment now (what --python makes on its first run)",
    )
    args = parser.parse_args(argv)
    out = sys.stderr if args.path else sys.stdout

    def say(line: str) -> None:
        print(line, file=out, flush=True)

    found = freethreaded.free_threaded()
    if found:
        say("Free-threaded interpreters found here (newest first; --python takes the first of a version):")
        for one in found:
            say(f"  {describe(one)}")
    else:
        say("No free-threaded interpreter found on PATH, in pyenv's or uv's Pythons, or in the cache.")
    chosen = found[0] if found else freethreaded.provide(say=say)
    if args.environment:
        made = interpreters.resolve([str(chosen.path)], say=say)[0]
        say(f"Its worker environment: {made.environment or 'none needed (it has what a worker imports)'}")
    if args.path:
        print(chosen.path)
        return 0
    say(f"Using {chosen.label} ({chosen.origin}): {chosen.path}")
    say(f"Beside a GIL build: python -m bench run --python {chosen.label.rstrip('t')},{chosen.label}")
    return 0
