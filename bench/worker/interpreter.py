"""What an interpreter says about itself: version, implementation, GIL, free-threaded build, what it can import.

Standard library only, and runnable on its own: the harness runs this file's text
with ``python -c`` under each interpreter of ``--python`` (a bare one too, before
it has any environment), so the facts saved with a run come from the interpreter
itself, never from the harness's guess. The worker imports it to say, in its
messages, whether the GIL is on now: on a free-threaded build an extension
module can turn it back on at run time; ``bench.machine`` takes the harness's
own interpreter facts from here and adds the machine's.
"""

from __future__ import annotations

import importlib.util
import json
import multiprocessing
import platform
import sys
import sysconfig
from collections.abc import Iterable
from importlib import metadata
from typing import Any

#: Distributions whose versions the facts record: what the executors that need no extra load (gevent's, asyncio's).
#: Written out because this file runs alone; tests/test_registry.py checks it against the executors' registry.
PACKAGES = ("gevent", "greenlet", "aiohttp")


def gil_enabled() -> bool:
    """Whether the GIL is on now (``sys._is_gil_enabled()`` where it exists: 3.13 and later)."""
    is_enabled = getattr(sys, "_is_gil_enabled", None)
    return True if is_enabled is None else bool(is_enabled())


def free_threaded_build() -> bool:
    """Whether this interpreter was built free-threaded (``Py_GIL_DISABLED``: 3.13t and later)."""
    return bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


def where(module: str) -> str | None:
    """Where ``module`` would be imported from (its package folder or file), or None if it cannot be."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    locations = list(spec.submodule_search_locations or [])
    return locations[0] if locations else spec.origin


def versions(distributions: Iterable[str]) -> dict[str, str]:
    """The installed version of each distribution ("not installed" where it is not)."""
    found = {}
    for name in distributions:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def facts(modules: list[str]) -> dict[str, Any]:
    """This interpreter's facts, and where each of ``modules`` would come from (None: not importable)."""
    return {
        "executable": sys.executable,
        "version": platform.python_version(),
        "version_info": list(sys.version_info[:2]),
        "implementation": platform.python_implementation(),
        "gil_enabled": gil_enabled(),
        "free_threaded_build": free_threaded_build(),
        "mp_start_method": multiprocessing.get_start_method(allow_none=False),
        "packages": versions(PACKAGES),
        "found": {module: where(module) for module in modules},
    }


if __name__ == "__main__":  # python -c "<this file>" MODULE...
    print(json.dumps(facts(sys.argv[1:])))
