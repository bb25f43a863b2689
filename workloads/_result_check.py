"""How a user's results are checked (``--check equal|type|none``), and why a result cannot be, in one line.

Every task's result is checked against the sequential run's, index by index, so
an executor that drops or corrupts work can never look fast (``equal``, the
default). Two mistakes defeat that check for every case at once, and both are
seen before anything is timed, from task 0 called twice in the worker: a result
that compares by identity (a lambda, a generator, an object whose class defines
no ``==``: two calls never give equal results), and a result that changes from
call to call (random values, timestamps). ``--check type`` accepts any result of
the sequential run's type, ``--check none`` any result at all: for functions
whose results legitimately vary. A result that cannot be pickled is a mistake
only where it must cross a process (a process pool, subinterpreters).
"""

from __future__ import annotations

import pickle
from typing import Any

EQUAL, TYPE, NONE = "equal", "type", "none"
CHECKS = (EQUAL, TYPE, NONE)  # --check's choices, strictest first
RELAX = "--check type (any result of the same type) or --check none"
PLAIN_DATA = "return plain data that says what the task did (numbers, strings, tuples, dicts)"
SHOWN_CHARS = 60  # of a value, in a message


class ResultError(Exception):
    """A result that cannot be checked or sent back: the message is one line naming the cause and the remedy."""


def short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."


def equal(got: Any, want: Any) -> bool:
    try:
        return bool(got == want)
    except Exception:  # an array's == is elementwise: compare what would cross a process boundary
        try:
            return pickle.dumps(got) == pickle.dumps(want)
        except Exception:
            return repr(got) == repr(want)


def same(got: Any, want: Any, check: str) -> bool:
    """Whether a task's result passes ``check`` against the sequential run's."""
    if check == NONE:
        return True
    if check == TYPE:
        return type(got) is type(want)
    return equal(got, want)


def compares_by_identity(value: Any) -> bool:
    """Whether ``value``'s class leaves ``==`` to ``object``: only the very same object is equal to it."""
    equality: object = type(value).__eq__
    return equality is object.__eq__


def pickling_error(value: Any) -> str | None:
    """Why ``value`` cannot be pickled, or None if it can."""
    try:
        pickle.dumps(value)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def reference_problem(name: str, first: Any, again: Any, check: str, crosses_processes: bool) -> str | None:
    """Why task 0's result, called twice, cannot serve as the reference of every case; None if it can."""
    kind = type(first).__name__
    unpicklable = pickling_error(first)
    if check == EQUAL and not equal(first, again):
        if compares_by_identity(first):
            pickled = f" and cannot be pickled back from a process ({unpicklable})" if unpicklable else ""
            return (
                f"{name}(0) returns a new {kind} on every call, which compares by identity (its class defines "
                f"no ==){pickled}, so no result can be checked: {PLAIN_DATA}"
            )
        return (
            f"{name}(0) returned {short(first)}, then {short(again)}: its results change from call to call "
            f"(random values, timestamps?), so none can be checked against the sequential run: return what "
            f"depends on i alone, or relax the check with {RELAX}"
        )
    if crosses_processes and unpicklable:
        return (
            f"{name}(0) returns a {kind}, which cannot be pickled ({unpicklable}), so it cannot come back from "
            f"a process: {PLAIN_DATA}"
        )
    return None


def checked(results: list[Any], expected: list[Any], check: str) -> tuple[int, str]:
    """How many of a round's results pass ``check`` against the sequential run's, and why the others fail, in
    one line ("" when all pass). Each result is compared once: this runs inside the timed round."""
    differ = [i for i, (got, want) in enumerate(zip(results, expected, strict=False)) if not same(got, want, check)]
    passed = min(len(results), len(expected)) - len(differ)
    if len(results) != len(expected):
        return passed, f"{len(results)} results came back for {len(expected)} tasks"
    return passed, _differ_line(results, expected, check, differ)


def _differ_line(results: list[Any], expected: list[Any], check: str, differ: list[int]) -> str:
    if not differ:
        return ""
    first = differ[0]
    got, want = results[first], expected[first]
    if check == TYPE:
        found = f"task {first} returned a {type(got).__name__}, the sequential run a {type(want).__name__}"
    else:
        found = f"task {first}: got {short(got)}, expected {short(want)}"
    return (
        f"{len(differ)} of {len(expected)} tasks differ from the sequential run; first, {found} (shared state "
        f"changed by several units at once? results that vary by design: {RELAX})"
    )
