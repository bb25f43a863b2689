"""Functions a user might wrongly give as targets (``tests/test_cli.py`` and ``tests/test_target.py`` use them)."""

from __future__ import annotations

NOT_CALLABLE = 3


def two_arguments(a: int, b: int) -> int:
    return a + b


def plain(i: int) -> int:
    return i


def plain_too(i: int) -> int:
    return i


async def coroutine(i: int) -> int:
    return i


async def coroutine_too(i: int) -> int:
    return i


def setup_with_an_argument(x: int) -> None:
    pass
