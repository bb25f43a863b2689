"""One run of the matrix: its cases measured one by one, the server, the journal, the saved file.

``Run.measure`` is what each pytest-benchmark test calls. It starts the case's
worker, measures its rounds (``Rounds``: warm-up, then rounds until its figure is
sharp, each loaded one redone), hands the counted ones to pytest-benchmark
(``clock``), and turns what came back into the case's figures. A failed case becomes a journal entry, never
a lost run: the journal is flushed after every case, so an interrupted or
killed run keeps what it finished (``results.salvage`` turns a dead run's
journal into a partial run).
"""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from pytest_benchmark import __version__ as pytest_benchmark_version
from pytest_benchmark.utils import get_machine_id

from .. import machine
from ..errors import UserError
from ..results import Journal, assemble, next_run_path, storage_root, write_json_atomic
from ..worker.executors import info
from . import clock
from .child import Child
from .client import CaseFailed, start_worker
from .config import RunConfig
from .figures import case_figures, memory_per_unit, unstable_reasons
from .interpreters import Interpreter, expects_gil
from .load import Guard
from .matrix import Case
from .rounds import Rounds, Warmup
from .sampler import Sampler, summarize
from .server_handle import ServerHandle


class Started(NamedTuple):
    """A case's worker, ready: its process, what it said when ready, how long it took, its sampler."""

    case: Case
    child: Child
    ready: dict[str, Any]
    boot_s: float
    sampler: Sampler | None
    python: Interpreter | None


def gil_state(ready: dict[str, Any], messages: list[dict[str, Any]], python: Interpreter | None) -> dict[str, Any]:
    """Whether the worker's GIL was on (at start or after any round), and whether it should have been.

    On a free-threaded build an extension module can turn the GIL back on at run time, and
    PYTHON_GIL=1 turns it on for the whole process: the worker says what it saw, every round.
    """
    readings = [message["gil_enabled"] for message in [ready, *messages] if "gil_enabled" in message]
    if not readings:
        return {}
    expected = python.expects_gil if python is not None else expects_gil(machine.free_threaded_build(), os.environ)
    differed = any(reading != expected for reading in readings)
    # The modules whose import turned it back on (the worker's gil_watch), first named first.
    named = dict.fromkeys(module for message in [ready, *messages] for module in message.get("gil_enabled_by", []))
    by = {"gil_enabled_by": list(named)} if named else {}
    return {"gil_enabled": not expected if differed else expected, "gil_expected": expected, **by}


def _worker_figures(ready: dict[str, Any], boot_s: float, warmed: Warmup) -> dict[str, Any]:
    """What the worker said of itself when ready, and how its warm-up went."""
    return {
        "startup_s": ready["startup_s"],
        "prepare_s": ready.get("prepare_s"),
        "worker_boot_s": boot_s,
        "warmup_rounds": warmed.rounds,
        "warmup_s": warmed.seconds,
        "warmup_settled": warmed.settled,
        "watched_modules": ready.get("watched_modules", []),
        "executor_facts": ready.get("executor") or {},  # e.g. the start method it ran with
    }


class Run:
    """The state of one run across all its cases (one pytest session)."""

    def __init__(self, config: RunConfig, argv: list[str], pytest_config: pytest.Config) -> None:
        self.config = config
        self.argv = argv
        self.pytest_config = pytest_config
        self.started = datetime.now(UTC)
        self.storage = storage_root(Path(config.results), machine.gil_label()) / get_machine_id()
        self.journal = Journal(self.storage / f".journal-{os.getpid()}.jsonl", self.header)
        self.facts = config.workload_facts()
        self.guard = Guard(config.load_limit, machine.usable_cores(), config.quiet_wait)
        self.server: ServerHandle | None = None
        self.saved: Path | None = None
        self.benchmarks: list[dict[str, Any]] = []
        self.failed: list[dict[str, Any]] = []
        self.skipped: list[dict[str, Any]] = []
        self.cases: dict[str, Case] = {}  # every case measured, by id: a duel starts its workers again
        self.duels: list[dict[str, Any]] = []

    def header(self) -> dict[str, Any]:
        """Everything of the run file but its cases: written first in the journal, so a killed run can be saved."""
        hook = self.pytest_config.hook
        machine_info = hook.pytest_benchmark_generate_machine_info(config=self.pytest_config)
        machine_info["bench"] = machine.collect()
        machine_info["bench_run"] = {
            "started": self.started.isoformat(),
            "argv": self.argv,
            "config": self.config.as_dict(),
            "workloads": self.facts,
            "executors": {name: info(name).facts() for name in self.config.executors},
            "pythons": [python.record() for python in self.config.pythons],
        }
        return {
            "machine_info": machine_info,
            "commit_info": hook.pytest_benchmark_generate_commit_info(config=self.pytest_config),
            "version": pytest_benchmark_version,
        }

    def server_url(self) -> str:
        """The local server's address, starting it on first use; CaseFailed if it cannot start."""
        if self.server is None:
            try:
                self.server = ServerHandle(self.config.server_port)
            except UserError as exc:
                raise CaseFailed("ServerError", str(exc)) from None
        return self.server.url

    @contextmanager
    def worker(self, case: Case, paired: bool, sampled: bool = True) -> Iterator[Started]:
        """``case``'s worker, ready, with its sampler running (if ``sampled``); both stopped on leaving."""
        needs_server = self.facts[case.workload]["needs_server"]
        context = {"url": self.server_url()} if needs_server else {}
        python = self.config.python(case.python)
        boot = time.perf_counter()
        target = self.config.targets.get(case.workload)
        child, ready = start_worker(case, context, baseline=paired, target=target, python=python)
        sampler: Sampler | None = None
        try:
            boot_s = time.perf_counter() - boot
            if sampled and self.config.sampling:
                sampler = Sampler(self.config.interval, child.tree, self.server.pid if self.server else None)
                sampler.start()
            yield Started(case, child, ready, boot_s, sampler, python)
        finally:
            if sampler is not None:
                sampler.stop()  # idempotent: a second stop only adds a tick
            child.stop()

    def measure(self, case: Case, benchmark: Any) -> None:
        """Measure ``case``, hand its counted rounds to pytest-benchmark, and journal what came of it."""
        if case.skip:
            self._skip(case, case.skip)
        benchmark.group = case.workload
        benchmark.params = case.params
        self.cases[case.id] = case
        try:
            with self.worker(case, case.paired and self.config.pairing) as started:
                benchmark.extra_info.update(self._measured(started, benchmark))
        except CaseFailed as exc:
            self._record_failure(case, exc.kind, str(exc), exc.traceback)
            pytest.fail(f"{case.id}: {exc.kind}: {exc}", pytrace=False)
        except Exception as exc:  # a harness-side error is this case's failure too, never the run's end
            self._record_failure(case, type(exc).__name__, str(exc), traceback.format_exc())
            pytest.fail(f"{case.id}: {type(exc).__name__}: {exc}", pytrace=False)
        entry = benchmark.stats.as_dict(include_data=True)
        self.benchmarks.append(entry)
        self.journal.append({"kind": "benchmark", "entry": entry})

    def _measured(self, started: Started, benchmark: Any) -> dict[str, Any]:
        """Warm up, measure until sharp (redoing loaded rounds), record, and return the case's figures."""
        case, sampler, facts = started.case, started.sampler, self.facts[started.case.workload]
        paired = case.paired and self.config.pairing
        rounds = Rounds(started.child, paired, self.config.timeout, sampler.mark if sampler else lambda: None)
        warmup_s = self.config.warmup_seconds_for(case.workload)
        warmed = rounds.warm_up(self.config.warmup, warmup_s, self.config.warmup_limit)
        if self.server is not None and facts["needs_server"]:
            self.server.stats(reset=True)  # count the measured rounds only
        read = sampler.foreign if sampler is not None and self.config.load_limit > 0 else None
        measured = rounds.measure(self.config.effort(case.workload), read, self.guard)
        clock.record(benchmark, [rounds.round_time(i) for i in measured.kept])
        ticks = sampler.stop() if sampler else []
        extra = case_figures(case, facts, rounds, measured)
        extra.update(_worker_figures(started.ready, started.boot_s, warmed))
        sampled = summarize(ticks, [rounds.windows[i] for i in measured.kept])
        extra.update(self._resources(case, started.ready, sampler, sampled))
        extra.update(gil_state(started.ready, rounds.messages, started.python))
        extra["unstable"] = unstable_reasons(extra)
        return extra

    def _skip(self, case: Case, reason: str) -> None:
        """Record a skipped case (journalled: a salvaged run keeps its reasons too), then skip it."""
        skipped = {"name": case.id, "params": case.params, "reason": reason}
        self.skipped.append(skipped)
        self.journal.append({"kind": "skipped", "entry": skipped})
        pytest.skip(reason)

    def _resources(
        self, case: Case, ready: dict[str, Any], sampler: Sampler | None, sampled: dict[str, Any]
    ) -> dict[str, Any]:
        """The sampler's figures, memory per unit, and the server's own count when the workload uses it."""
        units = self.config.workload(case.workload)(case.workers, dict(case.values), {}).units()
        figures: dict[str, Any] = {"units": units, **sampled}
        per_unit = memory_per_unit(ready, sampled, units)
        if per_unit is not None:
            figures["memory_per_unit_bytes"] = per_unit
        if sampler is not None:
            figures["sampler_cores"] = sampler.own_cores()
        if self.server is not None and self.facts[case.workload]["needs_server"]:
            figures["server"] = self.server.stats()
        return figures

    def _record_failure(self, case: Case, kind: str, message: str, traceback: str) -> None:
        failure = {
            "name": case.id,
            "params": case.params,
            "error": {"type": kind, "message": message, "traceback": traceback},
        }
        self.failed.append(failure)
        self.journal.append({"kind": "failed", "entry": failure})

    def close(self) -> None:
        """Stop every process this run started that outlives a case: the server."""
        if self.server is not None:
            self.server.stop()
            self.server = None

    def save(self, interrupted: bool) -> Path | None:
        """Turn the journal into the run file (atomically); partial when interrupted."""
        header, entries = self.journal.read()
        if header is None or not any(e["kind"] in ("benchmark", "failed") for e in entries):
            self.journal.remove()
            return None
        output = assemble(header, entries, partial=interrupted)
        commit = str(output["commit_info"].get("id") or "unversioned")
        path = next_run_path(self.storage, commit, interrupted)
        write_json_atomic(path, output)
        self.journal.remove()
        self.saved = path
        return path
