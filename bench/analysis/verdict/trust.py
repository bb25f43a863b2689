"""How far to trust a verdict: the unstable and failed cases, and whether the verdict rests on them.

Other programs' load that stayed is said first by the judges (``busy``); here
it is not said twice.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .busy import LOAD_REASON
from .model import Best, Group
from .phrases import joined, plural


def _case(row: pd.Series | dict[str, Any]) -> str:
    workers = int(row.get("workers", 0) or 0)
    return f"{row.get('executor', '?')} at {plural(workers, 'worker')}"


def trust(group: Group, deciding: list[Best], said_busy: bool = False) -> str:
    """Which cases were unstable or failed, and whether they are the ones the verdict rests on.

    ``said_busy``: the verdict already opened with the machine's load, so reasons about load are not repeated.
    """
    decides = {(best.executor, best.workers) for best in deciding if not best.baseline}
    other = group.rows["unstable"].map(lambda reasons: [r for r in reasons if not (said_busy and LOAD_REASON in r)])
    unstable = group.rows.assign(unstable=other)
    unstable = unstable[unstable["unstable"].map(bool)]
    mine = [row for _, row in unstable.iterrows() if (row["executor"], int(row["workers"])) in decides]
    parts = []
    if mine:
        reason = str(mine[0]["unstable"][0])
        parts.append(
            f"{joined([_case(row) for row in mine])}, which the verdict rests on, "
            f"{'was' if len(mine) == 1 else 'were'} unstable: {reason}"
        )
    if len(unstable) > len(mine):
        others = len(unstable) - len(mine)
        parts.append(f"{plural(others, 'other case')} unstable (not deciding)")
    if group.failed:
        failed = [_case(entry.get("params") or {}) for entry in group.failed]
        ran = set(group.rows["executor"])
        lost = sorted({str((entry.get("params") or {}).get("executor", "?")) for entry in group.failed} - ran)
        lost_text = f"; {joined(lost)} could not be judged at all" if lost else ""
        them = "it" if len(failed) == 1 else "them"
        parts.append(f"{joined(failed)} failed, and the verdict cannot speak for {them}{lost_text}")
    return f"Less sure: {'; '.join(parts)}." if parts else ""
