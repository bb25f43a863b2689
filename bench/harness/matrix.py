"""The matrix: which cases a run holds, each with its parameters or the reason it is skipped."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Any

import workloads

from .. import machine
from ..worker.executors import ExecutorInfo, info, missing_requirements
from .config import RunConfig

BASELINE = "sequential"  # the executor every paired speedup is measured against


@dataclass(frozen=True)
class Case:
    workload: str
    executor: str
    workers: int
    values: tuple[tuple[str, Any], ...]  # the workload's parameter values, sorted by name
    pass_index: int = 0
    skip: str | None = None
    paired: bool = False  # each round has a sequential round beside it (the workload is judged that way)

    @property
    def id(self) -> str:
        return f"{self.workload}-{self.executor}-w{self.workers}" + (f"-p{self.pass_index}" if self.pass_index else "")

    @property
    def params(self) -> dict[str, Any]:
        """What pytest-benchmark saves as ``params``: enough to match this case in another run."""
        return {
            "workload": self.workload,
            "executor": self.executor,
            "workers": self.workers,
            **dict(self.values),
            "pass": self.pass_index,
        }

    def worker_config(
        self, context: dict[str, Any] | None = None, baseline: bool = False, target: dict[str, Any] | None = None
    ) -> str:
        """The worker's command-line argument: everything it needs to build this case."""
        return json.dumps(
            {
                "workload": self.workload,
                "target": target,
                "executor": self.executor,
                "workers": self.workers,
                "params": dict(self.values),
                "context": context or {},
                "baseline": baseline,
            }
        )


def skip_reason(config: RunConfig, case: Case, instance: workloads.Workload, executor: ExecutorInfo) -> str | None:
    if case.executor == BASELINE and case.workers > 1:
        return f"{BASELINE} runs one unit at a time: it is measured at workers=1 only"
    missing = missing_requirements(case.executor)
    if missing:
        return f"{case.executor} needs {', '.join(missing)}, which is not installed"
    if machine.free_threaded_build() and not executor.free_threaded:
        return f"{case.executor} does not support free-threaded Python builds"
    if executor.unit == "process" and instance.units() > config.max_processes:
        return (
            f"{case.executor}: {instance.units()} worker processes are over the cap of {config.max_processes} "
            "(--max-processes; each is a whole interpreter)"
        )
    lacks = instance.lacks(executor.offers)
    if lacks:
        return f"{case.executor} offers no {' and no '.join(lacks)}, which {case.workload} needs (ExecutorInfo.offers)"
    return instance.skip_reason(case.executor, executor.style)


def build(config: RunConfig) -> list[Case]:
    """Every case of the run, pass by pass, each pass in its own seeded shuffled order."""
    one_pass: list[Case] = []
    executors = {name: info(name) for name in config.executors}
    for workload in config.workloads:
        cls = config.workload(workload)
        values = tuple(sorted(config.values[workload].items()))
        for workers in config.ladder(workload):
            for executor, executor_info in executors.items():
                case = Case(workload, executor, workers, values)
                instance = cls(workers, dict(values), {})
                # Paired against sequential only if judged so, and if its units use none of the executor's
                # primitives (locks, events: a sequential twin would have none of them to share).
                paired = (
                    cls.judged_by == workloads.PAIRED
                    and executor != BASELINE
                    and not instance.uses(executor_info.offers)
                )
                skip = skip_reason(config, case, instance, executor_info)
                one_pass.append(Case(workload, executor, workers, values, skip=skip, paired=paired))
    if config.passes == 1:
        return one_pass
    rng = random.Random(config.seed)
    cases: list[Case] = []
    for index in range(config.passes):
        order = one_pass[:]
        rng.shuffle(order)
        cases += [Case(c.workload, c.executor, c.workers, c.values, index, c.skip, c.paired) for c in order]
    return cases
