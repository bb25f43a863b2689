"""A user's module whose import turns the GIL back on in a free-threaded build, as an undeclared extension does.

No package that a worker environment of 3.13t holds does it any more (aiohttp, its C helpers, uvloop and
backports-interpreters all declare free-threaded support; greenlet, which does not, comes with gevent, which has
no free-threaded build). CPython's own test extension ``_testsinglephase`` does: its init function
``PyInit__testsinglephase_check_cache_first`` makes a single-phase module that declares nothing, so loading it
under that name turns the GIL on, with the very RuntimeWarning a third-party extension would cause. It is built
and installed with CPython unless configured ``--disable-test-modules``; where it is missing (or on a Python
without it, 3.11), nothing is loaded and ``LOADED`` says so.
"""

from __future__ import annotations

import importlib.util

UNDECLARED = "_testsinglephase_check_cache_first"


def _load() -> bool:
    try:
        found = importlib.util.find_spec("_testsinglephase")
    except ImportError:
        return False
    if found is None or found.origin is None:
        return False
    spec = importlib.util.spec_from_file_location(UNDECLARED, found.origin)
    if spec is None:
        return False
    importlib.util.module_from_spec(spec)  # runs the extension's init function: the GIL check comes with it
    return True


LOADED = _load()


def count(i: int) -> int:
    """A small countdown: the work itself does not matter here, only what importing this module did."""
    total = 0
    for step in range(2000):
        total += step % (i + 2)
    return total
