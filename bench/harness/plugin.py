"""The pytest plugin that turns the matrix into a pytest-benchmark suite.

``python -m bench run`` builds the run's configuration once (``config.build``)
and hands it to ``BenchPlugin``, which parametrizes ``suite.py`` with the cases,
shows progress as ``[done/total]``, stops every process at the end, saves the
run from the journal (also when interrupted) and warns about unstable and
failed cases. The figures and the verdict are printed by the CLI afterwards,
from the saved file: measuring and analysing stay apart.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest

from . import arena, matrix
from .config import RunConfig
from .run import Run

RUN = pytest.StashKey[Run]()


class BenchPlugin:
    """Holds the run's configuration until pytest is configured, then the ``Run``."""

    def __init__(self, config: RunConfig, argv: list[str] | None = None) -> None:
        self.config = config
        self.argv = list(sys.argv if argv is None else argv)
        self.run: Run | None = None

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

    @pytest.fixture
    def bench_run(self, request: pytest.FixtureRequest) -> Run:
        return request.config.stash[RUN]

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.run is None:
            return
        self.run.close()
        self.run.save(interrupted=exitstatus == pytest.ExitCode.INTERRUPTED)

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        """Always called, even when an interrupt came before the session began: nothing left behind."""
        if self.run is not None:
            self.run.close()
            if self.run.saved is None and not self.run.journal.entries():
                self.run.journal.remove()

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        run = self.run
        if run is None:
            return
        write = terminalreporter.write_line
        for entry in run.benchmarks:
            for reason in entry["extra_info"].get("unstable", []):
                write(f"WARNING: {entry['param']} is unstable: {reason}", yellow=True)
        for failure in run.failed:
            error = failure["error"]
            write(f"FAILED {failure['name']}: {error['type']}: {error['message']}", red=True)
        if run.saved:
            partial = " (partial: the run was interrupted)" if run.saved.name.endswith("_partial.json") else ""
            write(f"Saved run: {run.saved}{partial}", bold=True)
        elif not run.benchmarks and not run.failed:
            write("Nothing was measured, so nothing was saved.")
