"""The run's options, each stated once with its default: ``bench run`` parses them, ``config`` reads the defaults.

An ``Option`` carries its default (and its ``--quick`` default where that differs)
and its help text is written from them, so the help and the run cannot drift
apart; ``RunConfig``'s defaults are read from this table too (``default``). A
default that the run works out (the seed, the process cap, the timeout) is a
rule: the rule's numbers are stated here, and the code that applies them reads
them from here. Workload options come from the workloads' own ``Param``s
(``--cpu-n``), and each workload gets its own worker ladder (``--http-workers``),
so no workload is named here.

It runs past 300 lines on purpose: most of it is one declarative table, an entry
per option with its help beside its default, and splitting that table would
put an option's words and its value in two places again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import workloads
from workloads.target import CHECKS

from ..worker.executors import defaults as default_executors
from .parsing import (
    PARAM_TYPES,
    count,
    duration,
    executor_names,
    fraction,
    int_list,
    name_list,
    non_negative_float,
    one_of,
    port,
    positive_duration,
    positive_int,
    python_list,
    show_value,
    shown,
    workload_list,
)

RESULTS = "results"  # the folder of saved runs
#: A user function's sequential round, unless --tasks or --round-seconds say otherwise: long enough that
#: a 10 ms scheduler tick is a few percent of it and that the slow first ~0.5 s of a fresh process spans a
#: few rounds (which the settling rule then sees), short enough that four functions under every model at
#: 1, 2 and 4 workers fit in 4 minutes on 2 cores.
TARGET_ROUND_S = 0.15
TARGET_ROUND_S_QUICK = 0.1
PROCESSES_PER_CORE, MIN_PROCESS_CAP = 4, 16  # --max-processes: so many per usable core, at least so many
FIRST_ROUND_TIMEOUT_S = 120.0  # --timeout: the first round of a case may take this long ...
TIMEOUT_PER_SLOWEST, MIN_TIMEOUT_S = 10, 10.0  # ... later ones so many times the slowest so far, at least this
SETTLE_WINDOW = 3  # warm-up settles when the median of the last this many rounds ...
SETTLE_TOLERANCE = 0.05  # ... is no more than 5% below that of the window before
PRECISION = 0.05  # a case's figure known to +-5% is enough (effort.py says why)
LOAD_LIMIT_CORES = 0.2  # a round during which other programs used more cores than this is redone (load.py)
QUIET_WINDOW_S = 0.5  # ... once the machine has been quiet for this long ...
QUIET_WAIT_S = 5.0  # ... waiting at most this long each time ...
REDO_SHARE = 1.0  # ... redoing at most this share of --rounds per case (then a loaded round counts, and says so)
DUEL_MIN_PAIRS = 6  # a duel calls nothing before this many alternating pairs (benchstat: 4-6 samples a side)


@dataclass(frozen=True)
class Option:
    """One ``--NAME`` of a run: its help text, its reader, and the value the run takes when it is not given."""

    name: str  # --NAME on the command line
    help: str  # "{default}" and "{quick}" stand for the defaults below, written as a user types them
    type: Callable[[str], Any] | None = None  # None: a flag
    metavar: str | None = None
    default: Any = None  # None: the run decides (the help says how)
    quick: Any = None  # the default under --quick, where it differs

    @property
    def dest(self) -> str:
        return self.name.replace("-", "_")

    @property
    def text(self) -> str:
        """The help text, with the defaults written in."""
        return self.help.format(default=shown(self.default), quick=shown(self.quick))

    def default_for(self, quick: bool) -> Any:
        return self.quick if quick and self.quick is not None else self.default


QUICK = Option(
    "quick", "small sizes for every default, and only the workloads that shrink with them: the matrix in about a minute"
)

#: Every option of a run that no workload or executor defines, in the order ``--help`` shows them (after
#: --quick, --workloads and --executors). A table, so each default is stated once, next to its help.
OPTIONS = (
    Option(
        "workers",
        "worker counts for every workload (default: 1,2,4,... up to 2x usable cores, or the workload's own ladder)",
        int_list,
        "LIST",
    ),
    Option(
        "tasks",
        "tasks per round of your own functions (default: as many as make a sequential round take "
        f"--round-seconds, or {shown(TARGET_ROUND_S)})",
        positive_int,
        "N",
    ),
    Option(
        "setup",
        "a function (module:function or path/to/file.py:function, no arguments) called once in every "
        "process that runs your functions, before timing",
        str,
        "TARGET",
    ),
    Option(
        "check",
        "how each result of your functions is checked against the sequential run's, task by task: equal, "
        "the same type, or none (for results that vary by design: random samples, timestamps) "
        "(default: {default})",
        one_of(CHECKS, "check"),
        "|".join(CHECKS),
        default=CHECKS[0],
    ),
    Option(
        "python",
        "interpreters to run every case under, side by side in this run: versions (3.13, 3.14t: "
        "pythonX.Y on PATH, then pyenv's, uv's, and the free-threaded cache of `bench free-threaded`) or "
        "paths; each gets a cached environment with what a worker needs, unless it has it already; a "
        "free-threaded one runs twice, with PYTHON_GIL unset (-nogil) and =1 (-gil) "
        "(default: the harness's own interpreter)",
        python_list,
        "LIST",
    ),
    Option(
        "python-envs",
        "folder of the --python interpreters' environments (default: ~/.cache/concurrency-bench/envs)",
        str,
        "DIR",
    ),
    Option(
        "rounds",
        "measured rounds per case, at least; more until its figure is sharp (--precision), up to --max-rounds "
        "(default: {default})",
        positive_int,
        "N",
        default=4,
    ),
    Option(
        "max-rounds",
        "most measured rounds per case; equal to --rounds: exactly that many (default: {default})",
        positive_int,
        "N",
        default=12,
    ),
    Option(
        "precision",
        "a case stops measuring once the 95%% interval of its median (paired ratio, else round time) is within "
        f"this fraction of it on each side (default: {PRECISION * 100:g}%%)",
        fraction,
        "FRACTION",
        default=PRECISION,
    ),
    Option(
        "load-limit",
        "a round during which other programs used more than this many cores is not counted: the harness waits "
        "(up to --quiet-wait) for the machine to quiet down and runs it again; 0: no such check "
        f"(default: {LOAD_LIMIT_CORES:g})",
        non_negative_float,
        "CORES",
        default=LOAD_LIMIT_CORES,
    ),
    Option(
        "quiet-wait",
        f"... waiting at most this long each time for {shown(QUIET_WINDOW_S)} without such load; at most as "
        "many rounds of a case as --rounds are redone, then a loaded round counts, and the verdict says so "
        "(default: {default})",
        duration,
        "DURATION",
        default=QUIET_WAIT_S,
    ),
    Option(
        "duel-budget",
        "where a workload's leaders are not told apart, they are measured head to head, rounds alternating, "
        "for at most this long (warm-up not counted) (default: {default})",
        positive_duration,
        "DURATION",
        default=20.0,
    ),
    Option("no-duels", "do not measure contested leaders head to head (verdicts may then say 'not told apart')"),
    Option("warmup", "warm-up rounds per case, not measured (default: {default})", count, "N", default=1),
    Option(
        "warmup-seconds",
        "... and warm up for at least this long: a fresh process runs slower at first "
        "(default: {default}; --quick: {quick})",
        duration,
        "DURATION",
        default=1.0,  # a margin: no slow start by time was seen here (docs/methodology/warm-up.md)
        quick=0.0,
    ),
    Option(
        "warmup-limit",
        f"... then on until the rounds settle (the median of the last {SETTLE_WINDOW} no more than "
        f"{SETTLE_TOLERANCE:.0%}% below that of the {SETTLE_WINDOW} before; their baselines and paired ratios "
        "too), but at most this long; a case that never settles is marked unstable, one whose rounds are too "
        "long to settle by then is not judged; 0s: no settling (default: {default}; --quick: {quick})",
        duration,
        "DURATION",
        default=8.0,  # the full run's 10-minute budget
        quick=0.0,  # a minute's budget has no room for settling (~40 s of a quick run on 2 cores)
    ),
    Option(
        "passes",
        "passes over the matrix, each in its own shuffled order (default: {default})",
        positive_int,
        "N",
        default=1,
    ),
    Option("seed", "seed of the pass order (default: random, and recorded)", count, "N"),
    Option("interval", "psutil sampling interval (default: {default})", positive_duration, "DURATION", default=0.05),
    Option("no-sampling", "turn the sampler off (for measuring its overhead)"),
    Option(
        "timeout",
        f"longest wait for one round (default: {shown(FIRST_ROUND_TIMEOUT_S)} for the first round of a case, "
        f"then {TIMEOUT_PER_SLOWEST}x its slowest round, at least {shown(MIN_TIMEOUT_S)})",
        positive_duration,
        "DURATION",
    ),
    Option(
        "max-processes",
        f"most worker processes a case may start (default: {PROCESSES_PER_CORE} per usable core, "
        f"at least {MIN_PROCESS_CAP}); cases above it are skipped with that reason",
        positive_int,
        "N",
    ),
    Option("results", "folder of saved runs (default: {default})", str, "DIR", default=RESULTS),
    Option(
        "server-port",
        "port of the local HTTP server on 127.0.0.1 (default: {default}, any free port)",
        port,
        "PORT",
        default=0,
    ),
    Option(
        "round-seconds",
        "size each workload (its size parameter) so a sequential round takes about this long "
        "here (calibrated before the run; the sizes are saved)",
        positive_duration,
        "DURATION",
    ),
    Option(
        "sizes-from",
        "repeat the sizes of a saved run (file or number); explicit size options still win",
        str,
        "RUN",
    ),
    Option(
        "no-pairing",
        "do not pair each round with a sequential baseline round (halves the time of paired "
        "workloads; speedups are then ratios of medians taken minutes apart)",
    ),
)
_BY_DEST = {option.dest: option for option in (QUICK, *OPTIONS)}


def default(dest: str) -> Any:
    """The default of the table's option ``dest`` (RunConfig's defaults are these)."""
    return _BY_DEST[dest].default


def chosen(options: Mapping[str, Any], dests: Iterable[str], quick: bool) -> dict[str, Any]:
    """Each of ``dests`` as given in ``options`` (argparse destinations), else its default (for --quick).

    An option with no default that was not given is left out: the run decides it (a seed, say).
    """
    values: dict[str, Any] = {}
    for dest in dests:
        given, fallback = options.get(dest), _BY_DEST[dest].default_for(quick)
        if given is not None and given != "":
            values[dest] = given
        elif fallback is not None:
            values[dest] = fallback
    return values


def workload_options() -> list[Option]:
    """``--workloads`` and ``--executors``, whose defaults come from the registries."""
    registry = workloads.load_all()
    visible = ",".join(name for name, workload in registry.items() if not workload.hidden)
    not_quick = ",".join(name for name, w in registry.items() if not w.hidden and not w.in_quick)
    return [
        Option(
            "workloads",
            f"workloads to run: built-in names, or your own functions as module:function or "
            f"path/to/file.py:function (default: {visible}; --quick leaves out {not_quick or 'none'})",
            workload_list,
            "LIST",
        ),
        Option(
            "executors",
            f"executors to run, or all (default: {','.join(default_executors())}; installed or skipped with the "
            "reason; the others when named: python -m bench list)",
            name_list(executor_names, "executor"),
            "LIST",
        ),
    ]


def own_options(workload: type[workloads.Workload]) -> list[Option]:
    """A workload's own options: its worker ladder and a ``--WORKLOAD-PARAM`` for each of its ``Param``s."""
    ladder = ",".join(map(str, workload.default_workers)) or "--workers"
    found = [
        Option(
            f"{workload.name}-workers",
            f"{workload.name}: worker counts for this workload alone (default: {ladder})",
            int_list,
            "LIST",
        )
    ]
    for param in workload.params:
        default, quick = show_value(param.default, param.kind), show_value(param.quick, param.kind)
        found.append(
            Option(
                f"{workload.name}-{param.name.replace('_', '-')}",
                f"{workload.name}: {param.help} (default: {default}; --quick: {quick})",
                PARAM_TYPES[param.kind],
                "DURATION" if param.kind == "duration" else "N",
            )
        )
    return found


def run_options() -> list[Option]:
    """Every option of a run; workload parameters and ladders come from the workloads themselves."""
    own = [option for workload in workloads.load_all().values() for option in own_options(workload)]
    return [QUICK, *workload_options(), *OPTIONS, *own]


def add_option(add: Callable[..., Any], option: Option) -> None:
    """Register ``option`` through ``add`` (argparse's add_argument); a value not given parses as None (a flag as
    False), so the run can tell it from a default (``chosen``)."""
    if option.type is None:
        add(f"--{option.name}", action="store_true", default=False, dest=option.dest, help=option.text)
    else:
        add(
            f"--{option.name}",
            type=option.type,
            default=None,
            metavar=option.metavar,
            dest=option.dest,
            help=option.text,
        )


def add_options(add: Callable[..., Any]) -> None:
    """Register every run option through ``add`` (argparse's add_argument)."""
    for option in run_options():
        add_option(add, option)
