"""The run's options, defined once: ``python -m bench run`` parses them, ``config`` turns them into a RunConfig.

Workload options come from the workloads' own ``Param``s (``--cpu-n``), and each
workload gets its own worker ladder (``--http-workers``), so no workload is named
here. Parsing functions raise ``ArgumentTypeError``: argparse turns that into one
clear line before anything runs.
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


def _whole(text: str) -> int:
    try:
        return int(str(text).replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def positive_int(text: str) -> int:
    value = _whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def count(text: str) -> int:
    """A whole number >= 0 (0 usually means 'automatic')."""
    value = _whole(text)
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
    """A comma-separated list of names from ``choices()``; ``all`` stands for every choice."""

    def parse(text: str) -> list[str]:
        names = [part.strip() for part in str(text).split(",") if part.strip()]
        valid = choices()
        names = [chosen for name in names for chosen in (valid if name == "all" else [name])]
        unknown = [name for name in names if name not in valid]
        if unknown or not names:
            raise argparse.ArgumentTypeError(
                f"unknown {what} {', '.join(map(repr, unknown)) or '(none given)'}; choose from: {', '.join(valid)}"
            )
        return list(dict.fromkeys(names))

    parse.__name__ = f"{what}_list"
    return parse


def workload_item(text: str) -> str:
    """A built-in workload's name, or a user target (``module:function``, ``path/file.py:function``)."""
    from workloads.target import looks_like_target

    names = list(workloads.load_all())
    if looks_like_target(text) or text in names:
        return text
    raise argparse.ArgumentTypeError(
        f"unknown workload {text!r}; choose from: {', '.join(names)}, or give your own function as "
        "module:function or path/to/file.py:function"
    )


def workload_list(text: str) -> list[str]:
    """'a,b,./work.py:digest' -> ['a', 'b', './work.py:digest'], each checked by ``workload_item``."""
    items = [part.strip() for part in str(text).split(",") if part.strip()]
    if not items:
        raise argparse.ArgumentTypeError("give one or more workloads, e.g. cpu,http or ./work.py:func")
    return list(dict.fromkeys(workload_item(item) for item in items))


def python_list(text: str) -> list[str]:
    """'3.11,3.13,/opt/py/bin/python3.14t' -> each as given (found and checked when the run is configured)."""
    items = [part.strip() for part in str(text).split(",") if part.strip()]
    if not items:
        raise argparse.ArgumentTypeError("give one or more interpreters: versions like 3.13, or paths")
    return list(dict.fromkeys(items))


def _executor_names() -> list[str]:
    from bench.worker.executors import registry

    return list(registry())


def _default_executors() -> list[str]:
    from bench.worker.executors import defaults

    return defaults()


PARAM_TYPES: dict[str, Callable[[str], Any]] = {"int": positive_int, "count0": count, "duration": duration}


@dataclass(frozen=True)
class Option:
    name: str  # --NAME on the command line
    help: str
    type: Callable[[str], Any] | None = None  # None: a flag
    metavar: str | None = None

    @property
    def dest(self) -> str:
        return self.name.replace("-", "_")


def run_options() -> list[Option]:
    """Every option of a run; workload parameters and ladders come from the workloads themselves."""
    registry = workloads.load_all()
    defaults = ",".join(name for name, workload in registry.items() if not workload.hidden)
    not_quick = ",".join(name for name, w in registry.items() if not w.hidden and not w.in_quick)
    options = [
        Option(
            "quick",
            "small sizes for every default, and only the workloads that shrink with them: the matrix in about a minute",
        ),
        Option(
            "workloads",
            f"workloads to run: built-in names, or your own functions as module:function or "
            f"path/to/file.py:function (default: {defaults}; --quick leaves out {not_quick or 'none'})",
            workload_list,
            "LIST",
        ),
        Option(
            "executors",
            f"executors to run, or all (default: {','.join(_default_executors())}; installed or skipped with the "
            "reason; the others when named: python -m bench list)",
            name_list(_executor_names, "executor"),
            "LIST",
        ),
        Option(
            "workers",
            "worker counts for every workload (default: 1,2,4,... up to 2x usable cores, or the workload's own ladder)",
            int_list,
            "LIST",
        ),
        Option(
            "tasks",
            "tasks per round of your own functions (default: as many as make a sequential round take "
            "--round-seconds, or 0.5s)",
            positive_int,
            "N",
        ),
        Option(
            "setup",
            "a function (module:function or path/to/file.py:function, no arguments) called once in every "
            "process that runs your functions, before timing",
            str,
            "TARGET",
        ),
        Option(
            "python",
            "interpreters to run every case under, side by side in this run: versions (3.13, 3.14t: "
            "pythonX.Y on PATH, then pyenv's) or paths; each gets a cached environment with what a worker "
            "needs, unless it has it already; a free-threaded one runs twice, PYTHON_GIL=0 and =1 "
            "(default: the harness's own interpreter)",
            python_list,
            "LIST",
        ),
        Option(
            "python-envs",
            "folder of the --python interpreters' environments (default: ~/.cache/concurrency-bench/envs)",
            str,
            "DIR",
        ),
        Option("rounds", "measured rounds per case (default: 5)", positive_int, "N"),
        Option("warmup", "warm-up rounds per case, not measured (default: 1)", count, "N"),
        Option(
            "warmup-seconds",
            "... and warm up for at least this long: a fresh process runs slower for its first seconds "
            "(default: 3s; --quick: 0s)",
            duration,
            "DURATION",
        ),
        Option(
            "warmup-limit",
            "... then on until the rounds settle (the median of the last 3 no more than 5%% below that of the "
            "3 before; their baselines and paired ratios too), but at most this long; a case that never "
            "settles is marked unstable, one whose rounds are too long to settle by then is not judged; "
            "0s: no settling (default: 8s; --quick: 0s)",
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
            "size each workload (its size parameter) so a sequential round takes about this long "
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
            "do not pair each round with a sequential baseline round (halves the time of paired "
            "workloads; speedups are then ratios of medians taken minutes apart)",
        ),
    ]
    for workload in registry.values():
        ladder = ",".join(map(str, workload.default_workers)) or "--workers"
        options.append(
            Option(
                f"{workload.name}-workers",
                f"{workload.name}: worker counts for this workload alone (default: {ladder})",
                int_list,
                "LIST",
            )
        )
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


def add_options(add: Callable[..., Any]) -> None:
    """Register every run option through ``add`` (argparse's add_argument)."""
    for option in run_options():
        if option.type is None:
            add(f"--{option.name}", action="store_true", default=False, dest=option.dest, help=option.help)
        else:
            add(
                f"--{option.name}",
                type=option.type,
                default=None,
                metavar=option.metavar,
                dest=option.dest,
                help=option.help,
            )
