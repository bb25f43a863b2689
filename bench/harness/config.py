"""One run's configuration: the options, checked and resolved once, before anything runs.

``build`` turns the parsed options into a ``RunConfig``: defaults filled in, the
workloads' values resolved, users' targets inspected, the results folder and
the server port checked. Every mistake a user can make is a ``UserError`` here,
so a bad run costs one line and nothing is measured or written. The CLI builds
it once and hands it to the pytest plugin.
"""

from __future__ import annotations

import os
import random
import socket
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import workloads
from workloads import Workload
from workloads.target import looks_like_target
from workloads.target import make as make_target

from .. import machine
from ..errors import UserError
from ..results import load_run, resolve, sizes_of
from ..server import HOST
from ..worker.executors import defaults, info, missing_requirements
from . import interpreters, targets
from .interpreters import Interpreter

TARGET_ROUND_S = 0.5  # a user function's sequential round, unless --tasks or --round-seconds say otherwise
TARGET_ROUND_S_QUICK = 0.1


@dataclass
class RunConfig:
    """Everything a run was asked for, resolved to values (defaults filled in)."""

    workloads: list[str]  # built-in names and target labels, in the order given
    executors: list[str]
    explicit_executors: bool
    workers: list[int] | None
    ladders: dict[str, list[int]]  # workload -> its own --WORKLOAD-workers
    values: dict[str, dict[str, Any]]  # workload -> parameter -> value
    targets: dict[str, dict[str, Any]] = field(default_factory=dict)  # label -> inspection report
    setup: str | None = None
    rounds: int = 5
    warmup: int = 1
    warmup_seconds: float = 3.0
    warmup_limit: float = 8.0  # ... and on until the rounds settle, at most this long (the 10-minute budget)
    explicit_warmup_seconds: bool = False  # --warmup-seconds was given: it beats a workload's own
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
    explicit_sizes: list[str] = field(default_factory=list)  # workloads whose size option was given
    calibrated: dict[str, int] = field(default_factory=dict)
    pythons: list[Interpreter] = field(default_factory=list)  # --python: every case runs under each, interleaved

    def python(self, label: str) -> Interpreter | None:
        """The interpreter a case's label names; None for the harness's own (a run without --python)."""
        return next((python for python in self.pythons if python.label == label), None) if label else None

    def workload(self, name: str) -> type[Workload]:
        """The class of a workload of this run, built in or a user's target."""
        report = self.targets.get(name)
        return make_target(name, report) if report else workloads.get(name)

    def ladder(self, name: str) -> list[int]:
        """The worker counts a workload runs at: its own option, then --workers, then its default ladder."""
        own = self.ladders.get(name) or self.workers or list(self.workload(name).default_workers)
        return own or cpu_ladder(machine.usable_cores(), quick=self.quick)

    def warmup_seconds_for(self, name: str) -> float:
        """How long a case of ``name`` warms up: --warmup-seconds if given, else the run's or its own, shorter.

        A workload whose rounds time their own operations inside (switches, starts) may need less than
        the 3 s a CPU-bound countdown needs to reach its steady speed.
        """
        own = self.workload(name).warmup_seconds
        if own is None or self.explicit_warmup_seconds:
            return self.warmup_seconds
        return min(self.warmup_seconds, own)

    @property
    def needs_server(self) -> bool:
        return any(self.workload(name).needs_server for name in self.workloads)

    def workload_facts(self) -> dict[str, dict[str, Any]]:
        """What the run records about each workload (units, how it is judged and drawn, a target's file)."""
        return {name: self.workload(name).facts(self.values[name]) for name in self.workloads}

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "pythons": [python.label for python in self.pythons]}


def cpu_ladder(usable: int, quick: bool = False) -> list[int]:
    """1, 2, 4, ... up to twice the usable cores, with the usable count and its double always in.

    ``quick``: 1 and the usable count only, the two points of the GIL's picture (a minute's budget).
    """
    if quick:
        return sorted({1, usable})
    ladder, n = set(), 1
    while n <= 2 * usable:
        ladder.add(n)
        n *= 2
    return sorted(ladder | {usable, 2 * usable})


def resolve_values(
    chosen: list[str], options: dict[str, Any], quick: bool, base: dict[str, dict[str, Any]] | None = None
) -> dict[str, dict[str, Any]]:
    """Each built-in workload's values: the option if given, else ``base`` (a saved run's), else the default."""
    values: dict[str, dict[str, Any]] = {}
    for name in chosen:
        workload = workloads.get(name)
        values[name] = {}
        for param in workload.params:
            given = options.get(f"{name}_{param.name}")
            default = (base or {}).get(name, {}).get(param.name, param.quick if quick else param.default)
            value = given if given is not None else default
            values[name][param.name] = float(value) if param.kind == "duration" else int(value)
    return values


def check_executors(names: list[str], pythons: list[Interpreter] | None = None) -> None:
    """UserError for an executor asked for by name that cannot run here (under none of ``pythons``)."""
    if pythons:
        for name in names:
            executor = info(name)
            if all(
                python.missing(executor.requires)
                or (python.facts.get("free_threaded_build") and not executor.free_threaded)
                for python in pythons
            ):
                raise UserError(f"executor {name!r} cannot run under any interpreter of --python (see bench list)")
        return
    for name in names:
        missing = missing_requirements(name)
        if missing:
            how = info(name).install or f"pip install {' '.join(missing)}"
            raise UserError(
                f"executor {name!r} needs {', '.join(missing)}, which is not installed here "
                f"({how}, or leave {name} out of --executors)"
            )
        if machine.free_threaded_build() and not info(name).free_threaded:
            raise UserError(f"{name} does not support free-threaded Python builds: leave it out of --executors")


def check_port_free(port: int) -> None:
    """UserError now, before anything runs, if the asked-for server port is taken."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            raise UserError(
                f"--server-port {port}: cannot bind {HOST}:{port} ({exc.strerror}); "
                "choose another port or 0 for any free one"
            ) from None


def check_results_folder(results: str, option: str = "--results") -> None:
    """UserError now if ``results`` cannot hold saved runs: tried for real, not guessed from permissions.

    A folder is made in the nearest existing parent and removed again: /proc, a read-only
    mount or a file in the way fail here, before anything is measured.
    """
    path = Path(results)
    existing = next((p for p in (path, *path.parents) if p.exists()), Path())
    if not existing.is_dir():
        raise UserError(f"{option} {results}: {existing} is a file, not a folder")
    try:
        Path(tempfile.mkdtemp(prefix=".bench-probe-", dir=existing)).rmdir()
    except OSError as exc:
        raise UserError(f"{option} {results}: cannot write in {existing} ({exc.strerror or exc})") from None
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UserError(f"{option} {results}: {existing} is not writable")


def build(options: dict[str, Any]) -> RunConfig:
    """A RunConfig from parsed options (argparse dests); UserError for what parsing cannot see."""
    builtin = workloads.load_all()
    quick = bool(options.get("quick"))
    chosen = options.get("workloads") or [
        name for name, w in builtin.items() if not w.hidden and (w.in_quick or not quick)
    ]
    explicit = options.get("executors") is not None
    executors = options.get("executors") or defaults()
    if explicit and not options.get("python"):
        check_executors(executors)
    results = options.get("results") or "results"
    check_results_folder(results)
    base = sizes_of(load_run(resolve(options["sizes_from"], Path(results)))) if options.get("sizes_from") else None
    specs = [item for item in chosen if looks_like_target(item)]
    if not specs and options.get("setup"):
        raise UserError("--setup is for your own functions: name one in --workloads (module:function)")
    if not specs and options.get("tasks"):
        raise UserError("--tasks sizes your own functions: name one in --workloads (module:function)")
    found = targets.resolve(specs, options.get("setup"), set(builtin))
    by_spec = {report["spec"]: name for name, report in found.items()}
    names = [by_spec.get(item, item) for item in chosen]
    values = resolve_values([name for name in names if name not in found], options, quick, base)
    for name in found:
        tasks = options.get("tasks") or (base or {}).get(name, {}).get("tasks") or 0
        values[name] = {"tasks": int(tasks)}
    explicit_sizes = [
        name
        for name in names
        if (name in found and values[name]["tasks"])
        or (name not in found and options.get(f"{name}_{builtin[name].size_param}") is not None)
    ]
    config = RunConfig(
        workloads=names,
        executors=executors,
        explicit_executors=explicit,
        workers=options.get("workers"),
        ladders={name: options[f"{name}_workers"] for name in names if options.get(f"{name}_workers")},
        values=values,
        targets=found,
        setup=options.get("setup"),
        quick=quick,
        sampling=not options.get("no_sampling"),
        pairing=not options.get("no_pairing"),
        timeout=options.get("timeout"),
        results=results,
        server_port=options.get("server_port") or 0,
        explicit_sizes=explicit_sizes,
    )
    if quick:  # no settling: a minute's budget has no room for it (~40 s of a quick run on 2 cores)
        config.warmup_seconds = 0.0
        config.warmup_limit = 0.0
    for name in ("rounds", "warmup", "warmup_seconds", "warmup_limit", "passes", "seed", "interval", "max_processes"):
        if options.get(name) is not None:
            setattr(config, name, options[name])
    config.explicit_warmup_seconds = options.get("warmup_seconds") is not None
    config.round_seconds = options.get("round_seconds")
    config.sizes_from = options.get("sizes_from")
    if config.server_port and config.needs_server:
        check_port_free(config.server_port)
    if options.get("python"):  # last: it may take a while to make an environment, so every quick check comes first
        envs = Path(options["python_envs"]) if options.get("python_envs") else None
        if envs is not None:
            check_results_folder(str(envs), "--python-envs")
        config.pythons = interpreters.resolve(options["python"], envs)
        if explicit:
            check_executors(executors, config.pythons)
    return config


def target_round_seconds(config: RunConfig) -> float:
    """How long a user function's sequential round should take when --tasks is not given."""
    return config.round_seconds or (TARGET_ROUND_S_QUICK if config.quick else TARGET_ROUND_S)
