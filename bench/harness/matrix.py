"""The matrix: which cases a run holds, each with its parameters or the reason it is skipped.

With several interpreters (``--python``), each case runs under every one of
them back to back, in an order that alternates from one case to the next (A B,
then B A: ABBA over consecutive cases), so no interpreter is always first, and a
drift of the machine's speed, or its phases, favour none. Several passes
shuffle the cases, never the interpreters of a case apart.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import workloads

from .. import BASELINE, machine
from ..worker.executors import ExecutorInfo, info, missing_requirements, requirements, unavailable
from .config import RunConfig
from .interpreters import Interpreter


@dataclass(frozen=True)
class Case:
    workload: str
    executor: str
    workers: int
    values: tuple[tuple[str, Any], ...]  # the workload's parameter values, sorted by name
    pass_index: int = 0
    skip: str | None = None
    paired: bool = False  # each round has a sequential round beside it (the workload is judged that way)
    python: str = ""  # the interpreter's label under --python; empty: the harness's own

    @property
    def id(self) -> str:
        python = f"-{self.python}" if self.python else ""
        return f"{self.workload}-{self.executor}-w{self.workers}{python}" + (
            f"-p{self.pass_index}" if self.pass_index else ""
        )

    @property
    def params(self) -> dict[str, Any]:
        """What pytest-benchmark saves as ``params``: enough to match this case in another run."""
        case = {"workload": self.workload, "executor": self.executor, "workers": self.workers}
        python = {"python": self.python} if self.python else {}
        return {**case, **dict(self.values), **python, "pass": self.pass_index}

    def worker_config(
        self, context: dict[str, Any] | None = None, baseline: bool = False, target: Mapping[str, Any] | None = None
    ) -> str:
        """The worker's command-line argument: everything it needs to build this case."""
        return json.dumps(
            {
                "workload": self.workload,
                "target": dict(target) if target is not None else None,
                "executor": self.executor,
                "workers": self.workers,
                "params": dict(self.values),
                "context": context or {},
                "baseline": baseline,
            }
        )


def skip_reason(
    config: RunConfig,
    case: Case,
    instance: workloads.Workload,
    executor: ExecutorInfo,
    python: Interpreter | None = None,
) -> str | None:
    if case.executor == BASELINE and case.workers > 1:
        return f"{BASELINE} runs one unit at a time: it is measured at workers=1 only"
    # The checks answer for the interpreter that will run the workers (--python), not the harness's own.
    where = f" under {python.label}" if python else ""
    # First: on a free-threaded build, what is "not installed" there was left out on purpose (the executor's reason).
    free_threaded = machine.free_threaded_build() if python is None else bool(python.facts.get("free_threaded_build"))
    if free_threaded and not executor.free_threaded:
        here = f" (here {python.label})" if python else ""
        return f"{case.executor} does not run on free-threaded builds{here}: {executor.not_free_threaded}"
    version: tuple[int, int] | None = None
    if python is None:
        missing = missing_requirements(case.executor)
    else:
        major, minor = (python.facts.get("version_info") or (0, 0))[:2]
        version = (int(major), int(minor))
        missing = python.missing(requirements(case.executor, version))
    if missing:
        how = f" ({executor.install})" if executor.install else ""
        return f"{case.executor} needs {', '.join(missing)}, which is not installed{where}{how}"
    why_not = unavailable(case.executor, version)
    if why_not:
        return f"{case.executor}{where}: {why_not}"
    if executor.whole_interpreters and instance.units() > config.max_processes:
        units = f"{executor.unit}es" if executor.unit.endswith("s") else f"{executor.unit}s"
        return (
            f"{case.executor}: {instance.units()} {units} are over the cap of {config.max_processes} "
            "(--max-processes; each is a whole interpreter)"
        )
    lacks = instance.lacks(executor.offers)
    if lacks:
        return f"{case.executor} offers no {' and no '.join(lacks)}, which {case.workload} needs (ExecutorInfo.offers)"
    return instance.skip_reason(case.executor, executor.style)


def _group(config: RunConfig, workload: str, workers: int, executor: str, values: tuple[Any, ...]) -> list[Case]:
    """One case under every interpreter of the run (or the harness's own), in --python's order."""
    cls = config.workload(workload)
    executor_info = info(executor)
    instance = cls(workers, dict(values), {})
    # Paired against sequential only if judged so, and if its units use none of the executor's
    # primitives (locks, events: a sequential twin would have none of them to share).
    paired = cls.judged_by == workloads.PAIRED and executor != BASELINE and not instance.uses(executor_info.offers)
    group = []
    pythons: list[Interpreter | None] = [*config.pythons] or [None]
    for python in pythons:
        case = Case(workload, executor, workers, values, python=python.label if python else "")
        skip = skip_reason(config, case, instance, executor_info, python)
        group.append(replace(case, skip=skip, paired=paired))
    return group


def interleave(groups: list[list[Case]], pass_index: int = 0) -> list[Case]:
    """The groups one after another, each group's interpreters in alternating order: A B, B A, A B, ..."""
    cases: list[Case] = []
    for position, group in enumerate(groups):
        ordered = group if position % 2 == 0 else group[::-1]
        cases += [replace(case, pass_index=pass_index) for case in ordered]
    return cases


def build(config: RunConfig) -> list[Case]:
    """Every case of the run, pass by pass, each pass in its own seeded shuffled order."""
    groups = [
        _group(config, workload, workers, executor, tuple(sorted(config.values[workload].items())))
        for workload in config.workloads
        for workers in config.ladder(workload)
        for executor in config.executors
    ]
    if config.passes == 1:
        return interleave(groups)
    rng = random.Random(config.seed)
    cases: list[Case] = []
    for index in range(config.passes):
        order = groups[:]
        rng.shuffle(order)
        cases += interleave(order, index)
    return cases
