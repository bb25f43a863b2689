"""How a run measured: its duels (who fought, why, what they decided), and the rounds it redone and counted."""

from __future__ import annotations

import pandas as pd

from ...stats import CONFIDENCE
from ...vocabulary import BUILDS, LEADERS, SINGLE_THREAD, TIME_BASIS
from ..figures.duels import OUTCOME_WORDS, side
from ..table import Facts
from ..verdict.phrases import plural
from ..wording import markdown_table
from .catalogue import DUELS_FIGURE, Spec

WHY = {LEADERS: "leaders not told apart", BUILDS: "fastest of each interpreter", SINGLE_THREAD: "one thread"}


def duels_section(facts: Facts, shown: list[tuple[Spec, bool]]) -> list[str]:
    """One row per duel: the two cases, why they fought, the ratio with its interval, the rounds, the outcome."""
    if not facts.duels:
        return []
    rows = [
        [
            str(record["workload"]),
            side(record["a"]),
            side(record["b"]),
            WHY.get(str(record.get("why")), str(record.get("why"))),
            str(record.get("basis", TIME_BASIS)),
            f"{record['ratio']:.3f} [{record['low']:.3f}-{record['high']:.3f}]",
            str(int(record["pairs"])),
            OUTCOME_WORDS.get(str(record["outcome"]), str(record["outcome"])),
        ]
        for record in facts.duels
    ]
    header = ["workload", "A", "B", "why", "compared", f"A over B [{CONFIDENCE:.0%} CI]", "pairs", "outcome"]
    lines = [
        "## Duels",
        "",
        "Where a workload's leaders were not told apart by their intervals, both cases were measured again head to "
        "head, in fresh processes, steps alternating A, B, B, A, ..., until the interval of the ratio excluded 1, "
        "lay within the margin of equivalence, or the duel's budget was spent. *paired*: each step a round with "
        "its own sequential baseline, and the ratio A's speedup over B's (so two processes' speeds cancel); "
        "*time*: B's round time over A's. Above 1, A is faster.",
        "",
        *markdown_table(header, rows),
        "",
    ]
    for spec, written in shown:
        if spec.name == DUELS_FIGURE and written:
            lines += [f"![{spec.heading}]({spec.name}.png)", ""]
    return lines


def measuring_section(frame: pd.DataFrame) -> list[str]:
    """Rounds counted per case, and the rounds redone because other programs' load distorted them."""
    if frame.empty or "redone" not in frame:
        return []
    counted = int(frame["data"].map(len).sum())
    redone = frame[frame["redone"] > 0]
    loaded = frame[frame["loaded_cores"].map(bool)]
    lines = [
        "## How the cases were measured",
        "",
        f"{plural(counted, 'measured round')} counted over {plural(len(frame), 'case')}; "
        f"{plural(int(frame['redone'].sum()), 'round')} redone because other programs were busy while they ran; "
        f"{plural(len(loaded), 'case')} kept loaded rounds (the machine stayed busy past the waits).",
        "",
    ]
    if not redone.empty or not loaded.empty:
        rows = [
            [
                str(row["workload"]),
                str(row["executor"]),
                str(row["workers"]),
                str(len(row["data"])),
                str(int(row["redone"])),
                ", ".join(f"{load:.2f}" for load in row["loaded_cores"]) or "none",
            ]
            for _, row in pd.concat([redone, loaded])
            .drop_duplicates(subset=["workload", "executor", "workers", "params", "python"])
            .iterrows()
        ]
        header = ["workload", "executor", "workers", "rounds counted", "rounds redone", "loaded rounds kept (cores)"]
        lines += [*markdown_table(header, rows), ""]
    return lines
