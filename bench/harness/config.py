"""One run's configuration: the options, checked and resolved once, before anything runs.

``build`` turns the parsed options into a ``RunConfig``: defaults filled in, the
workloads' values resolved, users' targets inspected, the results folder and
the server port checked. Every mistake a user can make is a ``UserError`` here,
so a bad run costs one line and nothing is measured or written. The CLI builds
it once and hands it to the pytest plugin.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import workloads
from workloads import Workload
from workloads.target import looks_like_target
from workloads.target import make as make_target

from .. import machine
from ..errors import UserError
from ..results import load_run, resolve, sizes_of
from ..worker.executors import defaults
from . import interpreters, targets
from .checks import check_executors, check_port_free, check_results_folder
from .effort import Effort
from .interpreters import Interpreter
from .options import MIN_PROCESS_CAP, PROCESSES_PER_CORE, TARGET_ROUND_S, TARGET_ROUND_S_QUICK, chosen, default

#: The RunConfig fields read from the options table as given, else as its defaults (``options.chosen``).
TABLE_FIELDS = (
    "rounds",
    "max_rounds",
    "precision",
    "load_limit",
    "quiet_wait",
    "duel_budget",
    "warmup",
    "warmup_seconds",
    "warmup_limit",
    "passes",
    "seed",
    "interval",
    "timeout",
    "max_processes",
    "results",
    "server_port",
    "round_seconds",
    "sizes_from",
)


def process_cap() -> int:
    """--max-processes when not given: so many per usable core, and never below the floor (options)."""
    return max(MIN_PROCESS_CAP, PROCESSES_PER_CORE * machine.usable_cores())


def workload_class(name: str, found: Mapping[str, Mapping[str, Any]]) -> type[Workload]:
    """The class of workload ``name``: a user's target (``found``: label -> inspection report) or a built-in."""
    report = found.get(name)
    return make_target(name, dict(report)) if report else workloads.get(name)


@dataclass(frozen=True)
class RunConfig:
    """Everything a run was asked for, resolved to values (defaults filled in), fixed once built.

    Frozen, and its lists and dicts are typed read-only, so nothing of the harness changes the run's
    configuration behind another part's back; calibrated sizes make a new one (``with_sizes``). Its
    fields' order is the order of ``bench_run.config`` in a saved run.
    """

    workloads: Sequence[str]  # built-in names and target labels, in the order given
    executors: Sequence[str]
    explicit_executors: bool
    workers: Sequence[int] | None
    ladders: Mapping[str, Sequence[int]]  # workload -> its own --WORKLOAD-workers
    values: Mapping[str, Mapping[str, Any]]  # workload -> parameter -> value
    targets: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # label -> inspection report
    setup: str | None = None
    rounds: int = default("rounds")  # at least; more until sharp (precision), at most max_rounds
    max_rounds: int = default("max_rounds")
    precision: float = default("precision")
    load_limit: float = default("load_limit")  # 0: rounds are not checked for other programs' load
    quiet_wait: float = default("quiet_wait")
    duels: bool = True
    duel_budget: float = default("duel_budget")
    warmup: int = default("warmup")
    warmup_seconds: float = default("warmup_seconds")
    warmup_limit: float = default("warmup_limit")  # ... and on until the rounds settle, at most this long
    explicit_warmup_seconds: bool = False  # --warmup-seconds was given: it beats a workload's own
    passes: int = default("passes")
    seed: int = field(default_factory=lambda: random.randrange(2**31))
    interval: float = default("interval")
    sampling: bool = True
    pairing: bool = True
    timeout: float | None = None
    max_processes: int = field(default_factory=process_cap)
    results: str = default("results")
    server_port: int = default("server_port")
    quick: bool = False
    round_seconds: float | None = None
    sizes_from: str | None = None
    explicit_sizes: Sequence[str] = field(default_factory=list)  # workloads whose size option was given
    calibrated: Mapping[str, int] = field(default_factory=dict)
    pythons: Sequence[Interpreter] = field(default_factory=list)  # --python: every case runs under each, interleaved

    def effort(self, name: str) -> Effort:
        """The rule for how many rounds of workload ``name`` count (a --rounds above the cap raises the cap).

        A workload judged by what it times inside its rounds (costs, a race, latencies) has no round figure
        that decides: it measures --rounds, exactly.
        """
        if self.workload(name).judged_by not in workloads.TIMED:
            return Effort(self.rounds, self.rounds, self.precision)
        return Effort(self.rounds, max(self.rounds, self.max_rounds), self.precision)

    def python(self, label: str) -> Interpreter | None:
        """The interpreter a case's label names; None for the harness's own (a run without --python)."""
        return next((python for python in self.pythons if python.label == label), None) if label else None

    def workload(self, name: str) -> type[Workload]:
        """The class of a workload of this run, built in or a user's target."""
        return workload_class(name, self.targets)

    def ladder(self, name: str) -> list[int]:
        """The worker counts a workload runs at: its own option, then --workers, then its default ladder."""
        own = self.ladders.get(name) or self.workers or self.workload(name).default_workers
        return list(own) or cpu_ladder(machine.usable_cores(), quick=self.quick)

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
        return {name: self.workload(name).facts(dict(self.values[name])) for name in self.workloads}

    def with_sizes(self, sizes: Mapping[str, int]) -> RunConfig:
        """This configuration with calibrated sizes: each workload's size parameter set, and recorded."""
        values = {name: dict(given) for name, given in self.values.items()}
        for name, size in sizes.items():
            values[name][str(self.workload(name).size_param)] = size
        return replace(self, values=values, calibrated=dict(sizes))

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
    names: list[str], options: Mapping[str, Any], quick: bool, base: Mapping[str, Mapping[str, Any]] | None = None
) -> dict[str, dict[str, Any]]:
    """Each built-in workload's values: the option if given, else ``base`` (a saved run's), else the default."""
    values: dict[str, dict[str, Any]] = {}
    for name in names:
        workload = workloads.get(name)
        values[name] = {}
        for param in workload.params:
            given = options.get(f"{name}_{param.name}")
            default = (base or {}).get(name, {}).get(param.name, param.quick if quick else param.default)
            value = given if given is not None else default
            values[name][param.name] = float(value) if param.kind == "duration" else int(value)
    return values


def build(options: Mapping[str, Any]) -> RunConfig:
    """A RunConfig from parsed options (argparse dests); UserError for what parsing cannot see.

    The checks run cheapest first, the --python interpreters last (making an environment takes a while).
    """
    quick = bool(options.get("quick"))
    explicit = options.get("executors") is not None
    executors = options.get("executors") or defaults()
    if explicit and not options.get("python"):
        check_executors(executors)
    table = chosen(options, TABLE_FIELDS, quick)
    check_results_folder(table["results"])
    base = sizes_of(load_run(resolve(table["sizes_from"], Path(table["results"])))) if "sizes_from" in table else None
    found, names = _workloads(options, quick)
    values = resolve_values([name for name in names if name not in found], options, quick, base)
    values.update({name: {"tasks": int(_tasks(options, base, name))} for name in found})
    if options.get("max_rounds") is not None and table["max_rounds"] < table["rounds"]:
        raise UserError(
            f"--max-rounds {table['max_rounds']} is under --rounds {table['rounds']}: give at least as many"
        )
    if table["server_port"] and any(workload_class(name, found).needs_server for name in names):
        check_port_free(table["server_port"])
    return RunConfig(
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
        duels=not options.get("no_duels"),
        explicit_warmup_seconds=options.get("warmup_seconds") is not None,
        explicit_sizes=_explicit_sizes(options, names, found, values),
        pythons=_pythons(options, executors if explicit else None),
        **table,
    )


def _workloads(options: Mapping[str, Any], quick: bool) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The users' targets (label -> inspection report) and every workload's name, in the order chosen."""
    builtin = workloads.load_all()
    chosen_names = options.get("workloads") or [
        name for name, w in builtin.items() if not w.hidden and (w.in_quick or not quick)
    ]
    specs = [item for item in chosen_names if looks_like_target(item)]
    if not specs and options.get("setup"):
        raise UserError("--setup is for your own functions: name one in --workloads (module:function)")
    if not specs and options.get("tasks"):
        raise UserError("--tasks sizes your own functions: name one in --workloads (module:function)")
    if not specs and options.get("check"):
        raise UserError("--check is how your own functions' results are checked: name one in --workloads")
    found = targets.resolve(specs, options.get("setup"), set(builtin), options.get("check") or default("check"))
    by_spec = {report["spec"]: name for name, report in found.items()}
    return found, [by_spec.get(item, item) for item in chosen_names]


def _tasks(options: Mapping[str, Any], base: Mapping[str, Any] | None, name: str) -> Any:
    """A target's tasks per round: --tasks, else a saved run's (--sizes-from), else 0 (calibrated)."""
    return options.get("tasks") or (base or {}).get(name, {}).get("tasks") or 0


def _explicit_sizes(
    options: Mapping[str, Any], names: list[str], found: Mapping[str, Any], values: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    """The workloads whose size was given (--tasks, --WORKLOAD-SIZE): calibration leaves them be."""
    return [
        name
        for name in names
        if (name in found and values[name]["tasks"])
        or (name not in found and options.get(f"{name}_{workloads.get(name).size_param}") is not None)
    ]


def _pythons(options: Mapping[str, Any], explicit_executors: Sequence[str] | None) -> list[Interpreter]:
    """--python's interpreters, found and ready (each executor named explicitly must run under one of them)."""
    if not options.get("python"):
        return []
    envs = Path(options["python_envs"]) if options.get("python_envs") else None
    if envs is not None:
        check_results_folder(str(envs), "--python-envs")
    pythons = interpreters.resolve(options["python"], envs)
    if explicit_executors:
        check_executors(explicit_executors, pythons)
    return pythons


def target_round_seconds(config: RunConfig) -> float:
    """How long a user function's sequential round should take when --tasks is not given."""
    return config.round_seconds or (TARGET_ROUND_S_QUICK if config.quick else TARGET_ROUND_S)
