"""Option values read from the command line: each reader turns a string into a value or says why not.

They raise ``ArgumentTypeError``, which argparse turns into one clear line before
anything runs (pytest-benchmark's ``parse_rounds``, pyperf's ``strictly_positive``).
``shown`` and ``show_value`` write values back the way a user types them, for help texts.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from typing import Any

import workloads
from workloads.target import looks_like_target

from ..worker.executors import registry

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


def non_negative_float(text: str) -> float:
    """A number of 0 or more, like 0.2 (cores)."""
    try:
        value = float(str(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a number of 0 or more")
    return value


def fraction(text: str) -> float:
    """A fraction above 0 and under 1: "5%" or "0.05"."""
    raw = str(text).strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a fraction like 5% or 0.05") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be above 0 and under 1, like 5% or 0.05")
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


def one_of(choices: tuple[str, ...], what: str) -> Callable[[str], str]:
    """One of ``choices``, as typed."""

    def parse(text: str) -> str:
        if text not in choices:
            raise argparse.ArgumentTypeError(f"{text!r} is no {what}; choose from: {', '.join(choices)}")
        return text

    parse.__name__ = what.replace(" ", "_")
    return parse


def workload_item(text: str) -> str:
    """A built-in workload's name, or a user target (``module:function``, ``path/file.py:function``)."""
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


def executor_names() -> list[str]:
    """Every executor's name, for ``name_list``."""
    return list(registry())


PARAM_TYPES: dict[str, Callable[[str], Any]] = {"int": positive_int, "count0": count, "duration": duration}


def show_value(value: float, kind: str) -> str:
    """A workload parameter's value as typed: durations in milliseconds, counts with digit groups."""
    return f"{value * 1e3:g}ms" if kind == "duration" else f"{int(value):_}"


def shown(value: Any) -> str:
    """An option's default as typed: seconds as 50ms or 3s (a unit, as ``duration`` asks), counts with digit
    groups, lists comma-separated."""
    if isinstance(value, float):
        return f"{value * 1e3:g}ms" if 0 < value < 0.1 else f"{value:g}s"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:_}"
    if isinstance(value, list | tuple):
        return ",".join(map(shown, value))
    return str(value)
