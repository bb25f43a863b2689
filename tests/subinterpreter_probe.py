"""A function that says which interpreter runs it (``tests/test_models.py`` maps it over subinterpreters)."""

from __future__ import annotations


def interpreter_id(_: int) -> int:
    try:
        from concurrent import interpreters  # type: ignore[attr-defined]  # 3.14+
    except ImportError:
        from backports import interpreters  # type: ignore[no-redef]
    return int(interpreters.get_current().id)


def all_interpreters() -> list[int]:
    try:
        from concurrent import interpreters  # type: ignore[attr-defined]
    except ImportError:
        from backports import interpreters  # type: ignore[no-redef]
    return [int(interp.id) for interp in interpreters.list_all()]
