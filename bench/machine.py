"""Machine facts, recorded rather than assumed (pyperf's ``collect_*`` style), beside the interpreter's own.

Small readers, each of one fact, skip quietly what the platform lacks. The
interpreter's facts (version, GIL, free-threaded build, start
method, package versions) come from ``bench.worker.interpreter``, the one place
that knows them; this module adds the machine's (cores, cgroup quota, CPU model,
memory, through psutil) and the packages a run records: the harness's own and
every executor's (``ExecutorInfo.recorded``). Light on purpose: the harness
imports it at start-up, the workers never do. The line naming a machine lives
in ``machine_line``, which the analysis reads without psutil.
"""

from __future__ import annotations

import math
import os
import platform
from pathlib import Path
from typing import Any

import psutil

from . import FORMAT_VERSION, __version__
from .machine_line import describe
from .worker import interpreter
from .worker.executors import registry
from .worker.interpreter import free_threaded_build, gil_enabled

__all__ = ["describe", "free_threaded_build", "gil_enabled"]  # the harness's names for them (bench.machine.X)

#: The measuring side's own distributions; the executors' follow from the registry.
HARNESS_PACKAGES = ("pytest", "pytest-benchmark", "psutil", "pandas", "matplotlib")
#: Whose versions every saved run records.
KEY_PACKAGES = tuple(
    dict.fromkeys((*HARNESS_PACKAGES, *(name for executor in registry().values() for name in executor.recorded)))
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


def collect() -> dict[str, Any]:
    """What goes into ``machine_info["bench"]`` of every saved run."""
    python = interpreter.facts([])
    return {
        "harness_version": __version__,
        "format_version": FORMAT_VERSION,
        "logical_cores": psutil.cpu_count(logical=True),
        "physical_cores": psutil.cpu_count(logical=False),
        "affinity_cores": affinity_cores(),
        "cgroup_cpu_limit": cgroup_cpu_limit(),
        "usable_cores": usable_cores(),
        "cpu_model": cpu_model(),
        "memory_bytes": psutil.virtual_memory().total,
        "python_version": python["version"],
        "python_implementation": python["implementation"],
        "python_executable": python["executable"],
        "free_threaded_build": python["free_threaded_build"],
        "gil_enabled": python["gil_enabled"],
        "mp_start_method": python["mp_start_method"],
        "packages": interpreter.versions(KEY_PACKAGES),
    }
