"""The run's console: a line per finished item with its key figure, and the item running with the time left.

pytest's own lines (its header, an item per line, its summaries) are for
``bench run -v``; a plain run shows this instead, drawn with rich. Items that
cannot exist by design (sequential beyond one worker, a plain function under
asyncio) are said once, grouped by reason, before the first one runs; a failure
is one line naming the item and the cause. On a terminal the item running, the
count, the time spent and an estimate of the time left stay at the bottom;
where output is not a terminal (a pipe, CI's log: rich's Console tells) nothing
is redrawn, and each finished line carries the count and the estimate instead.

The display is generic: an item describes itself. Its label is its pytest id
(a case's name, which ``-k`` selects), its figure what it records as the
``figure`` property (``record_property("figure", ...)``; the plugin records a
case's), its group what its time is estimated from: the time left is the mean
duration of the finished items of each remaining item's group (of all finished
items where its group has none yet), so items of varying length (adaptive
rounds, duels after the cases) need nothing more.

The live region is redrawn once a second: the harness shares the machine with
what it measures.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn
from rich.text import Text

REFRESH_PER_S = 1.0
SAID_IN_FULL = 100  # characters: a longer cause, repeated by the next failure, is not said again in full


def duration(seconds: float) -> str:
    """``42 s``, ``3 min 05 s``, ``1 h 02 min``: the precision a wait is told in."""
    if seconds < 9.95:
        return f"{max(seconds, 0.0):.1f} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


@dataclass(frozen=True)
class Item:
    """One pytest item to run: how it is named, and whose durations estimate its own."""

    nodeid: str
    label: str
    group: str
    case: bool = True  # a case of the matrix; else an item after them (a duel between its contested leaders)


class Estimate:
    """The time left, from the durations of the items finished so far, by group."""

    def __init__(self) -> None:
        self.durations: dict[str, list[float]] = {}

    def add(self, group: str, seconds: float) -> None:
        self.durations.setdefault(group, []).append(seconds)

    def left(self, groups: list[str]) -> float | None:
        """Seconds the items of ``groups`` (one entry each) should take; None before any item has finished."""
        everything = [seconds for durations in self.durations.values() for seconds in durations]
        if not everything:
            return None
        overall = statistics.mean(everything)
        return sum(statistics.mean(self.durations[group]) if group in self.durations else overall for group in groups)


Clock = Callable[[], float]


class Countdown(ProgressColumn):
    """The estimate of the time left, counting down between items (``deadline`` is a task field)."""

    def __init__(self, clock: Clock) -> None:
        super().__init__()
        self.clock = clock

    def render(self, task: Task) -> Text:
        deadline = task.fields.get("deadline")
        if deadline is None:
            return Text("estimating the time left", style="dim")
        return Text(f"about {duration(max(0.0, deadline - self.clock()))} left", style="cyan")


class Spent(ProgressColumn):
    """The time spent since the run began (``began`` is a task field)."""

    def __init__(self, clock: Clock) -> None:
        super().__init__()
        self.clock = clock

    def render(self, task: Task) -> Text:
        return Text(f"{duration(self.clock() - task.fields['began'])} spent", style="dim")


class Display:
    """What a run shows while it measures (``plan``, ``begin``, ``finished``/``failed``, ``stop``)."""

    def __init__(self, console: Console | None = None, quiet: bool = False, clock: Clock = time.monotonic) -> None:
        self.console = console or Console(highlight=False, soft_wrap=True)
        self.quiet = quiet  # -q: failures only, then the end
        self.clock = clock
        self.items: dict[str, Item] = {}
        self.pending: list[str] = []  # node ids not finished yet, in run order
        self.estimate = Estimate()
        self.started_at: dict[str, float] = {}
        self.run_started = clock()
        self.done = 0
        self.last_cause: tuple[str, str] | None = None  # (cause, the first item that had it)
        self.progress: Progress | None = None
        self.task: Any = None

    @property
    def live(self) -> bool:
        return self.console.is_terminal

    def plan(self, items: list[Item], left_out: dict[str, int]) -> None:
        """The items to run, and what is left out by design (reason -> how many items), said once."""
        self.items = {item.nodeid: item for item in items}
        self.pending = [item.nodeid for item in items]
        if not items and not left_out:
            return  # nothing selected: the command says so
        cases = sum(1 for item in items if item.case)
        then = len(items) - cases
        duels = f", then {then} duel {'check' if then == 1 else 'checks'} of contested leaders" if then else ""
        self.say(f"Measuring {cases} {'case' if cases == 1 else 'cases'}{duels}.", style="bold")
        for reason, count in left_out.items():
            self.say(f"  not run ({count} {'case' if count == 1 else 'cases'}): {reason}", style="dim")
        if self.live and items:
            self.progress = Progress(
                TextColumn("{task.description}", style="bold"),
                BarColumn(),
                MofNCompleteColumn(),
                Spent(self.clock),
                Countdown(self.clock),
                console=self.console,
                transient=True,
                refresh_per_second=REFRESH_PER_S,
            )
            self.task = self.progress.add_task("", total=len(items), began=self.run_started, deadline=None)
            self.progress.start()

    def begin(self, nodeid: str) -> None:
        item = self.items.get(nodeid)
        if item is None:
            return
        self.started_at[nodeid] = self.clock()
        if self.progress is not None:
            self.progress.update(self.task, description=item.label, deadline=self._deadline())
            self.progress.refresh()  # once per item: the next tick may be a second away

    def finished(self, nodeid: str, figure: str, unstable: bool = False) -> None:
        """An item measured: its line, with its figure."""
        seconds = self._end(nodeid)
        if seconds is None or self.quiet:
            return
        flag = [("  (unstable)", "yellow")] if unstable else []
        self._line(
            ("  ok ", "green"),
            (f"{self.items[nodeid].label:<28} ", ""),
            (figure, ""),
            *flag,
            (f"  {duration(seconds)}", "dim"),
        )

    def failed(self, nodeid: str, cause: str) -> None:
        """An item that failed: its name and the cause, one line (a cause said just before is not repeated)."""
        self._end(nodeid)
        label = self.items[nodeid].label if nodeid in self.items else nodeid
        if self.last_cause is not None and self.last_cause[0] == cause and len(cause) > SAID_IN_FULL:
            kind, colon, _ = cause.partition(": ")
            cause = f"{kind + colon if colon else ''}the same cause as {self.last_cause[1]}"
        else:
            self.last_cause = (cause, label)
        self._line((f"FAILED {label}", "red"), (f": {cause}", ""))

    def skipped(self, nodeid: str) -> None:
        """An item skipped while running (not foreseen by ``plan``): it leaves the count, silently."""
        self._end(nodeid)

    def stop(self) -> None:
        """End the live region (idempotent); the lines printed stay."""
        if self.progress is not None:
            self.progress.stop()
            self.progress = None

    def say(self, text: str, style: str | None = None) -> None:
        """A line of its own, kept above the live region."""
        self.console.print(text, style=style, markup=False)

    def elapsed(self) -> float:
        return self.clock() - self.run_started

    # ---- inner workings ------------------------------------------------------------------------------------

    def _end(self, nodeid: str) -> float | None:
        """Count an item as done and learn its duration; None for an item the plan does not know."""
        if nodeid not in self.items or nodeid not in self.pending:
            return None
        self.pending.remove(nodeid)
        self.done += 1
        seconds = self.clock() - self.started_at.get(nodeid, self.clock())
        self.estimate.add(self.items[nodeid].group, seconds)
        if self.progress is not None:
            self.progress.update(self.task, completed=self.done, deadline=self._deadline())
        return seconds

    def _deadline(self) -> float | None:
        """When the remaining items should be done (self.clock()); None before any item has finished."""
        left = self.estimate.left([self.items[nodeid].group for nodeid in self.pending])
        running = [self.started_at[n] for n in self.pending if n in self.started_at]
        already = self.clock() - running[0] if running else 0.0  # the current item's time so far counts
        return None if left is None else self.clock() + max(0.0, left - already)

    def _line(self, *pieces: tuple[str, str]) -> None:
        """A finished item's line, from (text, style) pieces (text never read as markup: a user's values may hold
        brackets); where nothing is redrawn, with the count and the estimate."""
        line = Text.assemble(*pieces)
        if not self.live:
            deadline = self._deadline()
            when = f", about {duration(deadline - self.clock())} left" if deadline and self.pending else ""
            line.append(f"  [{self.done}/{len(self.items)}{when}]", style="dim")
        self.console.print(line, highlight=False)


def pick(items: list[Any], is_left_out: Callable[[Any], str | None]) -> tuple[list[Any], dict[str, int]]:
    """The items to run, and the reasons the others are left out with how many share each (in first-seen order)."""
    running: list[Any] = []
    left_out: dict[str, int] = {}
    for item in items:
        reason = is_left_out(item)
        if reason is None:
            running.append(item)
        else:
            left_out[reason] = left_out.get(reason, 0) + 1
    return running, left_out
