"""Interpreters side by side, from one run of several (``--python``): what the report and the end of a run show.

The interpreters of such a run ran each case back to back, in alternating order
(``bench.harness.matrix``), so the machine's drift is shared between them and
their round times can be compared directly: the ratio of each later interpreter's
median round time to the first's, with an interval that resamples passes, then
rounds (``quantities``: with one pass it cannot see process-to-process variation,
so a difference is called only beyond what two processes can differ by), or the
duel the run held between the two cases (rounds alternating head to head: the
sequential cases and the fastest of each build, issue 19). Each interpreter's own paired speedups and
effective cores stand beside it, and the facts each interpreter gave of itself
(version, GIL, free-threaded build, PYTHON_GIL) head the section, with any case
whose GIL came back on at run time.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..stats import CONFIDENCE
from ..vocabulary import A_WINS, B_WINS, EQUIVALENT
from .duel_records import Side, find
from .quantities import CORES, PROCESS_MARGIN, SPEEDUP, TIME, Judgement, Quantity, groups, judge, side
from .table import Facts, cases
from .wording import markdown_table

CASE = ["workload", "params", "executor", "workers"]
FIGURE = "interpreters"  # the report's PNG of them (``figures.interpreters``), shown in this section


def labels(facts: Facts) -> list[str]:
    """The interpreters' labels, in --python's order."""
    return [str(python.get("label")) for python in facts.pythons]


def several(facts: Facts) -> bool:
    return len(facts.pythons) > 1


def reference_cases(frame: pd.DataFrame, facts: Facts) -> pd.DataFrame:
    """The first interpreter's cases of a run of several (what the usual figures draw); the frame itself otherwise."""
    if not several(facts) or frame.empty:
        return frame
    return frame[frame["python"] == labels(facts)[0]].reset_index(drop=True)


def _cell(quantity: Quantity, case: pd.Series | None) -> str:
    if case is None:
        return ""
    found = side(groups(case, quantity))
    return quantity.shown(found.value, found.low, found.high)


def table(frame: pd.DataFrame, facts: Facts) -> pd.DataFrame:
    """One row per case and later interpreter: the time ratio to the first with its interval and verdict, and
    each interpreter's own round time, speedup and effective cores (median [95% CI])."""
    names = labels(facts)
    rows = []
    for key, group in frame.groupby(CASE, sort=False):
        by_python = {str(case["python"]): case for _, case in group.iterrows()}
        first = by_python.get(names[0])
        for other in names[1:]:
            later = by_python.get(other)
            judged = _duelled(facts, key, names[0], other) or judge(
                TIME,
                groups(first, TIME) if first is not None else [],
                groups(later, TIME) if later is not None else [],
                time_margin=PROCESS_MARGIN,
            )
            row: dict[str, Any] = dict(zip(CASE, key, strict=True))
            row.update(
                first=names[0],
                other=other,
                ratio=judged.ratio,
                ci_low=judged.low,
                ci_high=judged.high,
                verdict=judged.verdict,
                note=judged.note,
                significant=judged.significant,
            )
            for name in (names[0], other):
                case = by_python.get(name)
                row[f"time {name}"] = _cell(TIME, case)
                row[f"speedup {name}"] = _cell(SPEEDUP, case)
                row[f"cores {name}"] = _cell(CORES, case)
            rows.append(row)
    return pd.DataFrame(rows)


def _duelled(facts: Facts, key: tuple[Any, ...], first: str, other: str) -> Judgement | None:
    """The case's two interpreters' duel, where the run held one, as a judgement of the later's time against the
    first's (the duel's own ratio, seen from the first: B's time over A's)."""
    case = dict(zip(CASE, key, strict=True))
    sides = [Side(str(case["executor"]), int(case["workers"]), label) for label in (first, other)]
    found = find(facts.duels, str(case["workload"]), str(case["params"]), *sides)
    if found is None:
        return None
    verdict = {A_WINS: TIME.up, B_WINS: TIME.down, EQUIVALENT: f"equivalent (within {found.margin:.0%})"}.get(
        found.outcome, "not told apart"
    )
    return Judgement(found.ratio, found.low, found.high, verdict, f"a duel of {2 * found.pairs} alternating rounds")


def gil_came_back(run: dict[str, Any]) -> list[str]:
    """Cases whose worker saw the GIL in another state than its interpreter should have (PYTHON_GIL, build)."""
    found = []
    for entry in run["benchmarks"]:
        extra = entry.get("extra_info") or {}
        if "gil_expected" in extra and extra.get("gil_enabled") != extra["gil_expected"]:
            state = "on" if extra.get("gil_enabled") else "off"
            named = ", ".join(extra.get("gil_enabled_by") or [])
            why = f" (importing {named} turned it on)" if named and extra.get("gil_enabled") else ""
            found.append(f"{entry.get('param') or entry.get('name')}: the GIL was {state} at run time{why}")
    return found


def facts_rows(facts: Facts) -> list[list[str]]:
    rows = []
    for python in facts.pythons:
        # An empty value is the variable unset (a free-threaded build's own default: GIL off unless an import).
        env = (python.get("env") or {}).items()
        gil_env = ", ".join(f"{k}={v}" if v else f"{k} unset" for k, v in env) or "-"
        rows.append(
            [
                str(python.get("label")),
                f"{python.get('implementation', '?')} {python.get('version', '?')}",
                str(python.get("free_threaded_build")),
                gil_env,
                str(python.get("gil_enabled")),
                str(python.get("base")),
                str(python.get("environment") or "as given"),
            ]
        )
    return rows


def _shown_rows(found: pd.DataFrame, brief: bool = False) -> tuple[list[str], list[list[str]]]:
    """Header and rows of one workload's table; ``brief`` leaves out each interpreter's intervals (printed text)."""
    first, others = str(found["first"].iloc[0]), list(dict.fromkeys(found["other"]))
    header = ["executor", "workers"]
    for other in others:
        header += [f"{other}/{first} time", f"{CONFIDENCE:.0%} CI", "verdict"]
    for name in [first, *others]:
        header += [f"{name} time (s)", f"{name} speedup", f"{name} eff. cores"]
    rows = []
    for (executor, workers), group in found.groupby(["executor", "workers"], sort=False):
        row = [str(executor), str(workers)]
        by_other = {str(r["other"]): r for _, r in group.iterrows()}
        for other in others:
            r = by_other.get(other)
            if r is None or pd.isna(r["ratio"]):
                row += ["", "", "" if r is None else str(r["verdict"])]
                continue
            interval = "" if pd.isna(r["ci_low"]) else f"{r['ci_low']:.3f}-{r['ci_high']:.3f}"
            row += [f"{r['ratio']:.3f}", interval, str(r["verdict"])]
        for name in [first, *others]:
            source = group.iloc[0] if name == first else by_other.get(name)
            row += [
                str(source.get(f"{column} {name}", "")) if source is not None else ""
                for column in ("time", "speedup", "cores")
            ]
        rows.append(row)
    return header, rows


def section(run: dict[str, Any], frame: pd.DataFrame, facts: Facts) -> list[str]:
    """The report's "Interpreters side by side" section (markdown lines); empty for a run of one interpreter."""
    if not several(facts):
        return []
    found = table(frame, facts)
    lines = [
        "## Interpreters side by side",
        "",
        "Each case ran under every interpreter back to back, in alternating order (A B, then B A), so the "
        "machine's drift is shared and round times compare directly: the ratio is each interpreter's median "
        f"round time over {labels(facts)[0]}'s (above 1 = slower), with a {CONFIDENCE:.0%} interval over passes, "
        "then rounds. With one pass it cannot see process-to-process variation (up to 20% here), so a time "
        "difference is called only beyond that, or by a duel: --passes 3 calls smaller ones. Speedups are each "
        "interpreter's own, paired in time.",
        "",
        *markdown_table(
            [
                "label",
                "interpreter",
                "free-threaded build",
                "environment",
                "GIL on (as probed)",
                "found",
                "environment folder",
            ],
            facts_rows(facts),
        ),
        "",
    ]
    back = gil_came_back(run)
    lines += ["**The GIL came back on at run time** in:", *[f"- {line}" for line in back], ""] if back else []
    if found.empty:
        return [*lines, "No case ran under two interpreters.", ""]
    for (workload, params), group in found.groupby(["workload", "params"], sort=False):
        about = facts.workload(str(workload))["description"] or params
        header, rows = _shown_rows(group)
        lines += [f"### {workload}" + (f": {about}" if about else ""), "", *markdown_table(header, rows), ""]
    lines += [f"![Interpreters side by side]({FIGURE}.png)", ""]
    return lines


def text(run: dict[str, Any], frame: pd.DataFrame, facts: Facts) -> str:
    """The side-by-side table as printed at the end of a run."""
    if not several(facts):
        return ""
    found = table(frame, facts)
    if found.empty:
        return ""
    blocks = []
    for (workload, params), group in found.groupby(["workload", "params"], sort=False):
        header, rows = _shown_rows(group, brief=True)
        shown = pd.DataFrame(rows, columns=header)
        lines = shown.to_string(index=False, justify="left").splitlines()
        blocks.append("\n".join([f"{workload} ({params})", *[line.rstrip() for line in lines]]))
    back = gil_came_back(run)
    tail = ["The GIL came back on at run time in:", *back] if back else []
    return "\n\n".join([*blocks, *(["\n".join(tail)] if tail else [])])


def printed(run: dict[str, Any]) -> str:
    """``text`` of a saved run (empty for a run of one interpreter): what the end of a run prints."""
    facts = Facts.of(run)
    return text(run, cases(run, facts), facts) if several(facts) else ""
