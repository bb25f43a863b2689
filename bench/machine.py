"""Machine and interpreter facts, recorded rather than assumed (pyperf's ``collect_*`` style).

Each ``collect_*`` fills part of a dict and skips quietly what the platform lacks.
Light on purpose: the harness imports it at start-up, the workers never do.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import platform
import sys
import sysconfig
from importlib import metadata
from pathlib import Path
from typing import Any

import psutil

from . import FORMAT_VERSION, __version__

KEY_PACKAGES = (
    *("pytest", "pytest-benchmark", "psutil", "gevent", "greenlet", "aiohttp", "pandas", "matplotlib"),
    *("uvloop", "backports-interpreters", "distributed", "dask"),  # the optional models' libraries
)


def cgroup_cpu_limit(root: Path = Path("/sys/fs/cgroup")) -> float | None:
    """CPUs allowed by a cgroup quota (v2 ``cpu.max`` or v1 ``cfs_quota_us``), None if unlimited."""
    try:
        quota, period = (root / "cpu.max").read_text().split()[:2]
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError):
        pass
    try:
        quota_us = int((root / "cpu" / "cpu.cfs_quota_us").read_text())
        period_us = int((root / "cpu" / "cpu.cfs_period_us").read_text())
        return None if quota_us <= 0 else quota_us / period_us
    except (OSError, ValueError):
        return None


def affinity_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def usable_cores() -> int:
    """Cores this process may really use: affinity, then a cgroup quota (rounded up), at least 1."""
    cores = affinity_cores()
    limit = cgroup_cpu_limit()
    if limit is not None:
        cores = min(cores, max(1, math.ceil(limit)))
    return max(1, cores)


def gil_enabled() -> bool:
    """Whether the GIL is on now (a free-threaded build may still turn it on at run time)."""
    is_enabled = getattr(sys, "_is_gil_enabled", None)
    return True if is_enabled is None else bool(is_enabled())


def free_threaded_build() -> bool:
    """Whether this interpreter was built free-threaded (3.13t and later)."""
    return bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


def gil_label() -> str:
    return "gil" if gil_enabled() else "nogil"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def package_versions() -> dict[str, str]:
    versions = {}
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def collect() -> dict[str, Any]:
    """What goes into ``machine_info["bench"]`` of every saved run."""
    limit = cgroup_cpu_limit()
    return {
        "harness_version": __version__,
        "format_version": FORMAT_VERSION,
        "logical_cores": psutil.cpu_count(logical=True),
        "physical_cores": psutil.cpu_count(logical=False),
        "affinity_cores": affinity_cores(),
        "cgroup_cpu_limit": limit,
        "usable_cores": usable_cores(),
        "cpu_model": cpu_model(),
        "memory_bytes": psutil.virtual_memory().total,
        "python_version": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "python_executable": sys.executable,
        "free_threaded_build": free_threaded_build(),
        "gil_enabled": gil_enabled(),
        "mp_start_method": multiprocessing.get_start_method(allow_none=False),
        "packages": package_versions(),
    }


def describe(info: dict[str, Any]) -> str:
    """One line naming the machine and interpreter, for captions and headers."""
    gil = "GIL on" if info.get("gil_enabled", True) else "GIL off (free-threaded)"
    return (
        f"{info.get('python_implementation', '?')} {info.get('python_version', '?')} ({gil}), "
        f"{info.get('usable_cores', '?')} usable of {info.get('logical_cores', '?')} logical cores, "
        f"{info.get('cpu_model', '?')}"
    )
