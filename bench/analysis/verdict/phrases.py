"""Small phrases every judge's sentences share: lists of names, ratios, counts."""

from __future__ import annotations

from collections.abc import Sequence

from .model import Best

SHOWN_OTHERS = 3  # executors named after the winner, at most


def joined(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def times(best: Best) -> str:
    """A best figure as a ratio: ``1.23x``."""
    return f"{best.estimate.value:.2f}x"


def plural(count: int, word: str) -> str:
    """``1 worker``, ``2 workers``."""
    return f"{count} {word}" + ("s" if count != 1 else "")
