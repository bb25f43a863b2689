"""The one line that names a machine and its interpreter, for captions, headers and the start of a run.

Read from a saved run's ``machine_info["bench"]`` (or ``machine.collect()``), never
from the running machine: the analysis draws runs made elsewhere, and imports
this without psutil or the worker.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def describe(info: Mapping[str, Any]) -> str:
    """One line naming the machine and interpreter; '?' for a fact an old or foreign file lacks."""
    gil = "GIL on" if info.get("gil_enabled", True) else "GIL off (free-threaded)"
    return (
        f"{info.get('python_implementation', '?')} {info.get('python_version', '?')} ({gil}), "
        f"{info.get('usable_cores', '?')} usable of {info.get('logical_cores', '?')} logical cores, "
        f"{info.get('cpu_model', '?')}"
    )
