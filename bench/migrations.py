"""Older saved-run formats, migrated as they load (asv's ``update_to_N``).

The history of the formats is beside ``bench.FORMAT_VERSION``.
``migrate`` brings a run of any format up to this one step by step, one
``update_to_N`` per format, each returning a copy: the file itself is never
rewritten. A step fills in what its format added as that format would have
saved it for the old run, so the analysis reads one format only.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from .vocabulary import (
    AGAINST_IDEAL,
    CALL,
    GREENLET,
    IDEAL,
    PAIRED,
    PROCESS,
    SCALING,
    TASK,
    THREAD,
    THROUGHPUT,
)

#: Format 1 knew its workloads by name; these are the facts format 2 saves with every run, as format 1 had them.
V1_WORKLOADS: dict[str, dict[str, Any]] = {
    "cpu": {"unit": "iterations/s", "judged_by": PAIRED, "figure": SCALING, "heatmap": True, "latency": False},
    "http": {
        "unit": "requests/s",
        "judged_by": IDEAL,
        "ideal": "ceil(requests / concurrency) x latency",
        "figure": AGAINST_IDEAL,
        "heatmap": False,
        "core_bound": False,
        "needs_server": True,
        "latency": True,
    },
    "pipeline": {"unit": "items/s", "judged_by": PAIRED, "figure": THROUGHPUT, "heatmap": False, "latency": False},
}
V1_OTHER_WORKLOAD: dict[str, Any] = {"unit": "", "judged_by": PAIRED, "figure": SCALING, "heatmap": False}
V1_EXECUTORS: dict[str, dict[str, Any]] = {
    "sequential": {"unit": CALL, "rank": 0, "color": "black", "parallel_cpu": False, "style": "sync"},
    "threads": {"unit": THREAD, "rank": 10, "color": "tab:blue", "parallel_cpu": False, "style": "sync"},
    "processes": {"unit": PROCESS, "rank": 20, "color": "tab:orange", "parallel_cpu": True, "style": "sync"},
    "gevent": {"unit": GREENLET, "rank": 40, "color": "tab:green", "parallel_cpu": False, "style": "sync"},
    "asyncio": {"unit": TASK, "rank": 50, "color": "tab:red", "parallel_cpu": False, "style": "async"},
}


def update_to_2(data: dict[str, Any]) -> dict[str, Any]:
    """A format-1 run as format 2 would have saved it (the file itself is left as it is)."""
    data = copy.deepcopy(data)
    bench_run = data["machine_info"].setdefault("bench_run", {})
    config = bench_run.setdefault("config", {})
    values = config.get("values") or {}
    names = list(dict.fromkeys(str(e["params"].get("workload", e.get("group"))) for e in data["benchmarks"]))
    bench_run["workloads"] = {
        name: {
            "core_bound": True,
            "needs_server": False,
            "ideal": "",
            "description": ", ".join(f"{key}={value}" for key, value in sorted((values.get(name) or {}).items())),
            **V1_WORKLOADS.get(name, V1_OTHER_WORKLOAD),
        }
        for name in names
    }
    bench_run["executors"] = dict(V1_EXECUTORS)
    if config.get("http_workers"):
        config.setdefault("ladders", {})["http"] = config["http_workers"]
    data["machine_info"]["bench"]["migrated_from"] = data["machine_info"]["bench"]["format_version"]
    data["machine_info"]["bench"]["format_version"] = 2
    return data


def update_to_3(data: dict[str, Any]) -> dict[str, Any]:
    """A format-2 run as format 3 would have saved it: one interpreter, the harness's own (no ``python`` params)."""
    data = copy.deepcopy(data)
    data["machine_info"].setdefault("bench_run", {}).setdefault("pythons", [])
    bench = data["machine_info"]["bench"]
    bench.setdefault("migrated_from", bench["format_version"])
    bench["format_version"] = 3
    return data


def update_to_4(data: dict[str, Any]) -> dict[str, Any]:
    """A format-3 run as format 4 would have saved it: every round counted, none redone, no duel held.

    Its cases' "unstable" reasons are kept as they were judged then (on the spread of their rounds).
    """
    data = copy.deepcopy(data)
    data["machine_info"].setdefault("bench_run", {}).setdefault("duels", [])
    for entry in data["benchmarks"]:
        extra = entry.setdefault("extra_info", {})
        extra.setdefault("rounds_redone", [])
        extra.setdefault("loaded_rounds", [])
    bench = data["machine_info"]["bench"]
    bench.setdefault("migrated_from", bench["format_version"])
    bench["format_version"] = 4
    return data


#: The step that brings a run of format N - 1 to format N, for every N up to ``FORMAT_VERSION`` (a test checks).
STEPS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {2: update_to_2, 3: update_to_3, 4: update_to_4}


def migrate(data: dict[str, Any], version: int) -> dict[str, Any]:
    """``data``, a run of format ``version`` (this one's or older), as this format would have saved it."""
    for target, step in sorted(STEPS.items()):
        if target > version:
            data = step(data)
    return data
