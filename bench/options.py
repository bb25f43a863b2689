"""The run's options, defined once and shared by ``python -m bench run`` and the pytest plugin.

The CLI adds each as ``--NAME``, the plugin as ``--bench-NAME`` (pytest-benchmark's
``add_display_options(addoption, prefix)`` pattern), with the same parsing
functions, so the two cannot drift apart. Parsing functions raise
``ArgumentTypeError``: argparse turns that into one clear line before anything runs.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import workloads

_DURATION = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(us|ms|s|min)\s*$")
_SCALE = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "min": 60.0}


def duration(text: str) -> float:
    """'20ms', '0.5s', '2min' -> seconds. A unit is required: is '20' seconds or milliseconds?"""
    match = _DURATION.match(str(text))
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration: give a number and a unit, e.g. 20ms or 1.5s")
    return float(match.group(1)) * _SCALE[match.group(2)]


def positive_duration(text: str) -> float:
    """A duration above zero (a zero timeout or sampling interval makes no sense)."""
    value = duration(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be longer than zero")
    return value


def positive_int(text: str) -> int:
    try:
        value = int(str(text).replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def count(text: str) -> int:
    """A whole number >= 0 (0 usually means 'automatic')."""
    try:
        value = int(str(text).replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must not be negative")
    return value


def port(text: str) -> int:
    """A TCP port, 0 meaning any free one."""
    value = count(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0-65535)")
    return value


def int_list(text: str) -> list[int]:
    """'1,2,4' -> [1, 2, 4], each at least 1, duplicates dropped, order kept sorted."""
    parts = [part for part in str(text).split(",") if part.strip()]
    if not parts:
        raise argparse.ArgumentTypeError(f"{text!r}: give one or more whole numbers, e.g. 1,2,4")
    return sorted({positive_int(part.strip()) for part in parts})


def name_list(choices: Callable[[], list[str]], what: str) -> Callable[[str], list[str]]:
    def parse(text: str) -> list[str]:
        names = [part.strip() for part in str(text).split(",") if part.strip()]
        valid = choices()
        unknown = [name for name in names if name not in valid]
        if unknown or not names:
            raise argparse.ArgumentTypeError(
                f"unknown {what} {', '.join(map(repr, unknown)) or '(none given)'}; choose from: {', '.join(valid)}"
            )
        return list(dict.fromkeys(names))

    parse.__name__ = f"{what}_list"
    return parse


def _workload_names() -> list[str]:
    return list(workloads.load_all())


def _executor_names() -> list[str]:
    from .executors import EXECUTORS

    return list(EXECUTORS)


PARAM_TYPES: dict[str, Callable[[str], Any]] = {"int": positive_int, "count0": count, "duration": duration}


@dataclass(frozen=True)
class Option:
    name: str  # --NAME on the CLI, --bench-NAME in pytest
    help: str
    type: Callable[[str], Any] | None = None  # None: a flag
    metavar: str | None = None

    @property
    def dest(self) -> str:
        return self.name.replace("-", "_")


def run_options() -> list[Option]:
    """Every option of a run; workload parameters come from the workloads' own ``Param``s."""
    options = [
        Option("quick", "small sizes for every default: the whole matrix in about a minute"),
        Option(
            "workloads", "workloads to run (default: cpu,http,pipeline)", name_list(_workload_names, "workload"), "LIST"
        ),
        Option(
            "executors", "executors to run (default: all installed)", name_list(_executor_names, "executor"), "LIST"
        ),
        Option(
            "workers",
            "worker counts for every workload (default: 1,2,4,... up to 2x usable cores; http: 1,10,50,200)",
            int_list,
            "LIST",
        ),
        Option("http-workers", "concurrency ladder for http alone (overrides --workers there)", int_list, "LIST"),
        Option("rounds", "measured rounds per case (default: 5)", positive_int, "N"),
        Option("warmup", "warm-up rounds per case, not measured (default: 1)", count, "N"),
        Option(
            "warmup-seconds",
            "... and warm up for at least this long: a fresh process runs slower for its first seconds "
            "(default: 3s; --quick: 0s)",
            duration,
            "DURATION",
        ),
        Option("passes", "passes over the matrix, each in its own shuffled order (default: 1)", positive_int, "N"),
        Option("seed", "seed of the pass order (default: random, and recorded)", count, "N"),
        Option("interval", "psutil sampling interval (default: 50ms)", positive_duration, "DURATION"),
        Option("no-sampling", "turn the sampler off (for measuring its overhead)"),
        Option(
            "timeout",
            "longest wait for one round (default: 120s for the first round of a case, "
            "then 10x its slowest round, at least 10s)",
            positive_duration,
            "DURATION",
        ),
        Option(
            "max-processes",
            "most worker processes a case may start (default: 4 per usable core, "
            "at least 16); cases above it are skipped with that reason",
            positive_int,
            "N",
        ),
        Option("results", "folder of saved runs (default: results)", str, "DIR"),
        Option("server-port", "port of the local HTTP server on 127.0.0.1 (default: 0, any free port)", port, "PORT"),
        Option(
            "round-seconds",
            "size cpu and pipeline work so a sequential round takes about this long "
            "here (calibrated before the run; the sizes are saved)",
            positive_duration,
            "DURATION",
        ),
        Option(
            "sizes-from",
            "repeat the sizes of a saved run (file or number); explicit size options still win",
            str,
            "RUN",
        ),
        Option(
            "no-pairing",
            "do not pair each round with a sequential baseline round (halves cpu and "
            "pipeline time; speedups are then ratios of medians taken minutes apart)",
        ),
    ]
    for workload in workloads.load_all().values():
        for param in workload.params:
            default = show_value(param.default, param.kind)
            quick = show_value(param.quick, param.kind)
            options.append(
                Option(
                    f"{workload.name}-{param.name.replace('_', '-')}",
                    f"{workload.name}: {param.help} (default: {default}; --quick: {quick})",
                    PARAM_TYPES[param.kind],
                    "DURATION" if param.kind == "duration" else "N",
                )
            )
    return options


def show_value(value: float, kind: str) -> str:
    return f"{value * 1e3:g}ms" if kind == "duration" else f"{int(value):_}"


def add_options(add: Callable[..., Any], prefix: str) -> None:
    """Register every run option through ``add`` (argparse's add_argument or pytest's addoption)."""
    for option in run_options():
        if option.type is None:
            add(
                f"--{prefix}{option.name}",
                action="store_true",
                default=False,
                dest=f"{prefix.replace('-', '_')}{option.dest}",
                help=option.help,
            )
        else:
            add(
                f"--{prefix}{option.name}",
                type=option.type,
                default=None,
                metavar=option.metavar,
                dest=f"{prefix.replace('-', '_')}{option.dest}",
                help=option.help,
            )


def forward(argv: list[str], prefix: str = "bench-") -> tuple[list[str], list[str]]:
    """Split CLI arguments into run options renamed for the plugin, and the rest (for pytest)."""
    names = {option.name for option in run_options()}
    ours, rest = [], []
    take_value = False
    for token in argv:
        if take_value:
            ours.append(token)
            take_value = False
            continue
        name = token[2:].split("=", 1)[0] if token.startswith("--") else None
        if name in names:
            ours.append(f"--{prefix}{token[2:]}")
            option = next(o for o in run_options() if o.name == name)
            take_value = option.type is not None and "=" not in token
        else:
            rest.append(token)
    return ours, rest
