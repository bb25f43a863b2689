"""The matrix: which cases a run holds, each with its parameters or the reason it is skipped."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any

import workloads

from . import machine
from .executors import EXECUTORS, missing_requirements

DEFAULT_HTTP_LADDER = (1, 10, 50, 200)
PAIRED_WORKLOADS = ("cpu", "pipeline")  # speedup against a sequential round measured next to each round


@dataclass(frozen=True)
class Case:
    workload: str
    executor: str
    workers: int
    values: tuple[tuple[str, Any], ...]  # the workload's parameter values, sorted by name
    pass_index: int = 0
    skip: str | None = None

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

    def worker_config(self, context: dict[str, Any] | None = None, baseline: bool = False) -> str:
        return json.dumps(
            {
                "workload": self.workload,
                "executor": self.executor,
                "workers": self.workers,
                "params": dict(self.values),
                "context": context or {},
                "baseline": baseline,
            }
        )

    @property
    def paired(self) -> bool:
        return self.workload in PAIRED_WORKLOADS and self.executor != "sequential"


@dataclass
class RunConfig:
    """Everything a run was asked for, resolved to values (defaults filled in)."""

    workloads: list[str]
    executors: list[str]
    explicit_executors: bool
    workers: list[int] | None
    http_workers: list[int] | None
    values: dict[str, dict[str, Any]]  # workload -> parameter -> value
    rounds: int = 5
    warmup: int = 1
    warmup_seconds: float = 3.0
    passes: int = 1
    seed: int = field(default_factory=lambda: random.randrange(2**31))
    interval: float = 0.05
    sampling: bool = True
    pairing: bool = True
    timeout: float | None = None
    max_processes: int = field(default_factory=lambda: max(16, 4 * machine.usable_cores()))
    results: str = "results"
    server_port: int = 0
    quick: bool = False
    round_seconds: float | None = None
    sizes_from: str | None = None
    calibrated: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def cpu_ladder(usable: int) -> list[int]:
    """1, 2, 4, ... up to twice the usable cores, with the usable count and its double always in."""
    ladder, n = set(), 1
    while n <= 2 * usable:
        ladder.add(n)
        n *= 2
    return sorted(ladder | {usable, 2 * usable})


def resolve_values(
    options: dict[str, Any], quick: bool, base: dict[str, dict[str, Any]] | None = None
) -> dict[str, dict[str, Any]]:
    """Each workload's parameter values: the option if given, else ``base`` (a saved run's), else the default."""
    values: dict[str, dict[str, Any]] = {}
    for name, workload in workloads.load_all().items():
        values[name] = {}
        for param in workload.params:
            given = options.get(f"{name}_{param.name}")
            default = (base or {}).get(name, {}).get(param.name, param.quick if quick else param.default)
            value = given if given is not None else default
            values[name][param.name] = float(value) if param.kind == "duration" else int(value)
    return values


def worker_ladder(config: RunConfig, workload: str) -> list[int]:
    if workload == "http":
        return config.http_workers or config.workers or list(DEFAULT_HTTP_LADDER)
    return config.workers or cpu_ladder(machine.usable_cores())


def skip_reason(config: RunConfig, case: Case, instance: workloads.Workload) -> str | None:
    if case.executor == "sequential" and case.workers > 1:
        return "sequential runs one unit at a time: it is measured at workers=1 only"
    missing = missing_requirements(case.executor)
    if missing:
        return f"{case.executor} needs {', '.join(missing)}, which is not installed"
    if case.executor == "gevent" and machine.free_threaded_build():
        return "gevent does not support free-threaded Python builds"
    if case.executor == "processes" and instance.units() > config.max_processes:
        return (
            f"processes: {instance.units()} worker processes are over the cap of {config.max_processes} "
            "(--max-processes; each is a whole interpreter)"
        )
    return instance.skip_reason(case.executor)


def build(config: RunConfig) -> list[Case]:
    """Every case of the run, pass by pass, each pass in its own seeded shuffled order."""
    registry = workloads.load_all()
    one_pass: list[Case] = []
    for workload in config.workloads:
        values = tuple(sorted(config.values[workload].items()))
        for workers in worker_ladder(config, workload):
            for executor in config.executors:
                case = Case(workload, executor, workers, values)
                instance = registry[workload](workers, dict(values), {})
                one_pass.append(Case(workload, executor, workers, values, skip=skip_reason(config, case, instance)))
    if config.passes == 1:
        return one_pass
    rng = random.Random(config.seed)
    cases: list[Case] = []
    for index in range(config.passes):
        order = one_pass[:]
        rng.shuffle(order)
        cases += [Case(c.workload, c.executor, c.workers, c.values, index, c.skip) for c in order]
    return cases


def from_options(get: dict[str, Any]) -> RunConfig:
    """A RunConfig from parsed options (dests without prefix); UserError for what parsing cannot see."""
    from .errors import UserError

    registry = workloads.load_all()
    chosen = get.get("workloads") or [name for name, w in registry.items() if not w.hidden]
    explicit = get.get("executors") is not None
    executors = get.get("executors") or list(EXECUTORS)
    if explicit:
        for name in executors:
            missing = missing_requirements(name)
            if missing:
                raise UserError(
                    f"executor {name!r} needs {', '.join(missing)}, which is not installed here "
                    f"(pip install {' '.join(missing)}, or leave {name} out of --executors)"
                )
            if name == "gevent" and machine.free_threaded_build():
                raise UserError("gevent does not support free-threaded Python builds: leave it out of --executors")
    if get.get("server_port") and "http" in chosen:
        check_port_free(get["server_port"])
    quick = bool(get.get("quick"))
    results = get.get("results") or "results"
    check_results_folder(results)
    base = None
    if get.get("sizes_from"):
        from pathlib import Path

        from .calibrate import sizes_from

        base = sizes_from(get["sizes_from"], Path(results))
    config = RunConfig(
        workloads=chosen,
        executors=executors,
        explicit_executors=explicit,
        workers=get.get("workers"),
        http_workers=get.get("http_workers"),
        values=resolve_values(get, quick, base),
        quick=quick,
        sampling=not get.get("no_sampling"),
        pairing=not get.get("no_pairing"),
        timeout=get.get("timeout"),
        results=results,
        server_port=get.get("server_port") or 0,
    )
    if quick:
        config.warmup_seconds = 0.0
    names = (
        "rounds",
        "warmup",
        "warmup_seconds",
        "passes",
        "seed",
        "interval",
        "max_processes",
        "round_seconds",
        "sizes_from",
    )
    for name in names:
        if get.get(name) is not None:
            setattr(config, name, get[name])
    return config


def check_port_free(port: int) -> None:
    """UserError now, before anything runs, if the asked-for server port is taken."""
    import socket

    from .errors import UserError
    from .server import HOST

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            raise UserError(
                f"--server-port {port}: cannot bind {HOST}:{port} ({exc.strerror}); "
                "choose another port or 0 for any free one"
            ) from None


def check_results_folder(results: str) -> None:
    """UserError now if ``--results`` is a file, or a folder that cannot be made or written."""
    import os
    from pathlib import Path

    from .errors import UserError

    path = Path(results)
    existing = next((p for p in (path, *path.parents) if p.exists()), Path())
    if not existing.is_dir():
        raise UserError(f"--results {results}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UserError(f"--results {results}: {existing} is not writable")
