"""The pytest plugin that turns the matrix into a pytest-benchmark suite.

Loaded with ``-p bench.plugin`` (``python -m bench run`` does it), it adds the
run options as ``--bench-*``, parametrizes ``bench/suite.py`` with the cases,
shows progress as ``[done/total]``, stops every process at the end, saves the run
from the journal (also when interrupted) and prints the headline table.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest

from . import matrix
from .errors import UserError
from .options import add_options, run_options
from .runner import Run

RUN = pytest.StashKey[Run]()
PREFIX = "bench-"


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser.getgroup("concurrency-bench").addoption, PREFIX)


def pytest_configure(config: pytest.Config) -> None:
    values = {o.dest: config.getoption(f"bench_{o.dest}") for o in run_options()}
    try:
        run_config = matrix.from_options(values)
    except UserError as exc:
        raise pytest.UsageError(str(exc)) from None
    if run_config.round_seconds:
        from .calibrate import calibrate

        explicit = {w: p for w, p in (("cpu", "cpu_n"), ("pipeline", "pipeline_items")) if values.get(p) is not None}
        chosen = [w for w in run_config.workloads if w not in explicit]
        run_config.calibrated = calibrate(run_config.values, chosen, run_config.round_seconds)
    config.stash[RUN] = Run(run_config, sys.argv)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "case" in metafunc.fixturenames:
        cases = matrix.build(metafunc.config.stash[RUN].config)
        metafunc.parametrize("case", cases, ids=[case.id for case in cases])


@pytest.fixture
def bench_run(request: pytest.FixtureRequest) -> Run:
    return request.config.stash[RUN]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    run = session.config.stash.get(RUN, None)
    if run is None:
        return
    run.close()
    run.save(session.config, interrupted=exitstatus == pytest.ExitCode.INTERRUPTED)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Always called, even when an interrupt came before the session began: nothing left behind."""
    run = config.stash.get(RUN, None)
    if run is not None:
        run.close()
        if run.saved is None and not run.journal.entries():
            run.journal.remove()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    run = terminalreporter.config.stash.get(RUN, None)
    if run is None:
        return
    from .summary import headline  # pandas and matplotlib: only once the measuring is over

    write = terminalreporter.write_line
    if run.benchmarks:
        terminalreporter.section("concurrency-bench: headline figures")
        for line in headline(run.benchmarks).splitlines():
            write(line)
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
