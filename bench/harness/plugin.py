"""The pytest plugin that turns the matrix into a pytest-benchmark suite.

``python -m bench run`` builds the run's configuration once (``config.build``)
and hands it to ``BenchPlugin``, which parametrizes ``suite.py`` with the cases,
shows the run as it goes (``display``: a line per finished case with its key
figure, the time left; pytest's own terminal with ``-v``), stops every process
at the end, saves the run from the journal (also when interrupted) and warns
about unstable and failed cases. The figures and the verdict are printed by the
CLI afterwards, from the saved file: measuring and analysing stay apart.
"""

from __future__ import annotations

import sys
from collections.abc import Generator
from typing import Any

import pytest

from . import arena, matrix
from .config import RunConfig
from .display import Display, Item, duration, pick
from .key_figure import key_figure
from .run import Run

RUN = pytest.StashKey[Run]()
FIGURE, UNSTABLE, CAUSE = "figure", "unstable", "cause"  # what an item records of itself (user_properties)


def case_of(item: pytest.Item) -> matrix.Case | None:
    """The case a suite item measures; None for any other item."""
    case = getattr(item, "callspec", None) and item.callspec.params.get("case")  # type: ignore[attr-defined]
    return case if isinstance(case, matrix.Case) else None


def is_duel(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    return callspec is not None and isinstance(callspec.params.get("duel"), arena.Group)


def described(item: pytest.Item) -> Item:
    """How the display names an item (its pytest id, which -k selects) and whose times estimate its own."""
    callspec = getattr(item, "callspec", None)
    case = case_of(item)
    label = callspec.id if callspec is not None else item.name
    group = case.workload if case is not None else getattr(item, "originalname", item.name)
    return Item(item.nodeid, label, group, case=case is not None)


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def end_lines(run: Run, failures: bool = True) -> list[tuple[str, str]]:
    """What a run says when it ends, (line, style) each: unstable cases, failures (unless each had its line as it
    happened), where it was saved."""
    lines = [
        (f"WARNING: {entry['param']} is unstable: {reason}", "yellow")
        for entry in run.benchmarks
        for reason in entry["extra_info"].get("unstable", [])
    ]
    for failure in run.failed if failures else []:
        error = failure["error"]
        lines.append((f"FAILED {failure['name']}: {error['type']}: {one_line(error['message'])}", "red"))
    if run.saved:
        partial = " (partial: the run was interrupted)" if run.saved.name.endswith("_partial.json") else ""
        lines.append((f"Saved run: {run.saved}{partial}", "bold"))
    elif not run.benchmarks and not run.failed:
        lines.append(("Nothing was measured, so nothing was saved.", ""))
    return lines


class BenchPlugin:
    """Holds the run's configuration until pytest is configured, then the ``Run``."""

    def __init__(self, config: RunConfig, argv: list[str] | None = None, display: Display | None = None) -> None:
        self.config = config
        self.argv = list(sys.argv if argv is None else argv)
        self.run: Run | None = None
        self.display = display  # None: pytest's own terminal shows the run (bench run -v)

    def pytest_configure(self, config: pytest.Config) -> None:
        self.run = Run(self.config, self.argv, config)
        config.stash[RUN] = self.run

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "case" in metafunc.fixturenames:
            cases = matrix.build(self.config)
            metafunc.parametrize("case", cases, ids=[case.id for case in cases])
        if "duel" in metafunc.fixturenames:
            held = arena.groups(self.config)
            metafunc.parametrize("duel", held, ids=[group.id for group in held])

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """No duel items when the run holds none (--no-duels, no judgement a duel can settle): pytest would
        otherwise keep one, skipped for its empty parameter set."""
        items[:] = [item for item in items if getattr(item, "originalname", "") != "test_duel" or is_duel(item)]

    @pytest.fixture
    def bench_run(self, request: pytest.FixtureRequest) -> Run:
        return request.config.stash[RUN]

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.display is not None:
            self.display.stop()
        if self.run is None:
            return
        self.run.close()
        self.run.save(interrupted=exitstatus == pytest.ExitCode.INTERRUPTED)
        if self.display is not None:
            self._end(self.display, self.run, interrupted=exitstatus == pytest.ExitCode.INTERRUPTED)

    # ---- the display (a plain run; -v leaves it to pytest's terminal) ----------------------------------------

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if self.display is not None:
            running, left_out = pick(session.items, lambda item: getattr(case_of(item), "skip", None))
            self.display.plan([described(item) for item in running], left_out)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if self.display is not None and report.failed:
            self.display.say(f"ERROR collecting {report.nodeid}: {one_line(report.longreprtext)[-300:]}", "red")

    def pytest_runtest_logstart(self, nodeid: str, location: Any) -> None:
        if self.display is not None:
            self.display.begin(nodeid)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
        """A case's item records its key figure, or the cause of its failure, for the display to show."""
        case = case_of(item)
        if call.when == "call" and case is not None and self.run is not None:
            failure = self.run.failed[-1] if self.run.failed else None
            benchmark = item.funcargs.get("benchmark")  # type: ignore[attr-defined]
            if call.excinfo is not None and failure is not None and failure["name"] == case.id:
                error = failure["error"]
                item.user_properties.append((CAUSE, f"{error['type']}: {one_line(error['message'])}"))
            elif call.excinfo is None and benchmark is not None:
                extra = benchmark.extra_info
                item.user_properties.append((FIGURE, key_figure(extra, self.run.facts.get(case.workload, {}))))
                item.user_properties.append((UNSTABLE, bool(extra.get("unstable"))))
        return (yield)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        display = self.display
        if display is None or (report.when != "call" and report.passed):
            return
        said = dict(report.user_properties)
        if report.failed:  # an item that is no case: the last line of its failure
            cause = said.get(CAUSE) or one_line((report.longreprtext.strip().splitlines() or [""])[-1])
            display.failed(report.nodeid, str(cause))
        elif report.skipped:
            display.skipped(report.nodeid)
        else:
            display.finished(report.nodeid, str(said.get(FIGURE, "")), bool(said.get(UNSTABLE)))

    @staticmethod
    def _end(display: Display, run: Run, interrupted: bool) -> None:
        """The end of a plain run: how it went in one line, then the warnings, the failures and the file."""
        measured, failed = len(run.benchmarks), len(run.failed)
        if not display.items and not measured and not failed and not interrupted:
            return  # nothing was selected: the command says so, in one line
        how = (
            f"Interrupted after {duration(display.elapsed())}"
            if interrupted
            else f"Done in {duration(display.elapsed())}"
        )
        failures = f", {failed} failed" if failed else ""
        display.say(f"{how}: {measured} {'case' if measured == 1 else 'cases'} measured{failures}.", "bold")
        for line, style in end_lines(run, failures=False):  # each failure had its line as it happened
            display.say(line, style or None)

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        """Always called, even when an interrupt came before the session began: nothing left behind."""
        if self.run is not None:
            self.run.close()
            if self.run.saved is None and not self.run.journal.entries():
                self.run.journal.remove()

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """bench run -v: the end of the run in pytest's own terminal."""
        if self.run is None:
            return
        for line, style in end_lines(self.run):
            terminalreporter.write_line(line, **({style: True} if style else {}))
