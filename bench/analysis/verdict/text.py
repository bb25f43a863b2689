"""The verdicts in words for a terminal, and what their intervals can see."""

from __future__ import annotations

import textwrap

import pandas as pd

from ... import stats
from .model import Verdict


def confidence_note(frame: pd.DataFrame) -> str:
    """What the intervals can see: with one pass, round-to-round noise only."""
    passes = int(frame["passes"].max()) if not frame.empty else 1
    note = (
        f"Intervals: {stats.CONFIDENCE:.0%} bootstrap intervals of the median, resampling passes, then rounds "
        "within them; overlapping intervals mean not yet known, and duels (rounds alternating head to head) "
        "settle contested leaders."
    )
    if passes <= 1:
        return note + (
            " This run has one pass (one worker process per case), so they see round-to-round noise only, not "
            "the variation between processes: --passes 3 (or higher) measures that too."
        )
    return note + f" Cases ran in {passes} passes (independent processes)."


def as_text(found: list[Verdict], note: str, width: int = 100) -> str:
    """The verdicts for a terminal: one wrapped paragraph each, then what the intervals can see."""
    paragraphs = [textwrap.fill(v.paragraph(), width, subsequent_indent="  ") for v in found]
    return "\n".join([*paragraphs, textwrap.fill(note, width)])
