"""Workload definitions: what is run, independent of how it is run.

A workload is one module holding a class decorated with ``@register``: drop a
file here and it is found (``load_all`` imports every public module of this
package). It is written once per *style*: ``run_sync`` for executors with a
blocking surface (sequential, threads, processes, gevent) and ``run_async`` for
asyncio. The class is the single source of truth about itself: its parameters,
its unit, what it needs (the local server), how it is judged (paired against
sequential, or against an ideal time) and how it is drawn. ``facts`` turns that
into the dict saved with every run, so the report, the plots and compare read
it from the run and name no workload.

Workloads import nothing from ``bench``: the executor surface they use is the
duck-typed protocol below, which ``bench.worker.executors`` implements. A
user's own function becomes a workload through the same door (``target.py``).

Beyond map, submit and queue, an executor may offer the tutorial's primitives
(a lock, a shared counter, an event, channels between two units, token
handoffs, ways to start one unit: see "Primitives" below). It names them in
its ``ExecutorInfo.offers``; a workload names what it cannot do without in
``needs``, and the matrix skips it, with the reason, under an executor that
lacks one (an executor written against map/submit/queue alone offers none).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Protocol

# The saved-run vocabulary (how a workload is judged and drawn) is defined once, in ``bench.vocabulary``: the
# analysis reads these names from saved runs and ``bench.results`` checks them. It is the one module of ``bench``
# a workload may import (plain constants); a workload takes them from here.
from bench.vocabulary import AGAINST_IDEAL as AGAINST_IDEAL
from bench.vocabulary import BY_WORKERS as BY_WORKERS
from bench.vocabulary import COST as COST
from bench.vocabulary import COSTS as COSTS
from bench.vocabulary import FIGURES as FIGURES
from bench.vocabulary import IDEAL as IDEAL
from bench.vocabulary import JUDGED_WORDS as JUDGED_WORDS
from bench.vocabulary import JUDGEMENTS as JUDGEMENTS
from bench.vocabulary import LATENCY as LATENCY
from bench.vocabulary import LOCK_YIELD as LOCK_YIELD
from bench.vocabulary import NO_LOCK_YIELD as NO_LOCK_YIELD
from bench.vocabulary import PAIRED as PAIRED
from bench.vocabulary import RACE as RACE
from bench.vocabulary import SCALING as SCALING
from bench.vocabulary import THROUGHPUT as THROUGHPUT
from bench.vocabulary import TIMED as TIMED

from ._registry import get as get
from ._registry import load_all as load_all
from ._registry import register as register

# --- Primitives: what an executor may offer beyond map/submit/queue -------------------------------------------
# ``ExecutorInfo.offers`` maps each capability to what the executor uses for it, in words ({"lock":
# "threading.Lock"}). A name ending in ":" is a family of kinds ("channel:pipe", "channel:queue"). Before the
# executor starts, the case hands it the workload's ``uses(offers)`` (capability -> how many), because a process
# pool can only inherit primitives made before it forks; in a round, ``ex.shared(capability, i)`` gives the
# i-th one (in a pool process it IS the primitive: what the parent holds is a reference that unpickles to it),
# and ``ex.launch(kind, fn, *args)`` starts one unit of a START kind. Under asyncio, what waits is awaited.
LOCK = "lock"  # a mutex the units share: ``with lock:`` (``async with`` under asyncio)
RLOCK = "rlock"  # a re-entrant one
COUNTER = "counter"  # one shared integer, read and written as ``.value``: no atomicity, no lock of its own
EVENT = "event"  # set() / is_set() / clear() / wait()
YIELD = "yield"  # a callable letting the other units run where they only switch when asked (no-op for threads)
CHANNEL = "channel:"  # (end_a, end_b): each end's send(obj) reaches the other end's recv()
HANDOFF = "handoff:"  # (a, b): a(n) passes a token to b(n) and waits for it, n times; b is None when a alone drives
START = "start:"  # kinds of unit ``launch`` starts; its handle's join() says whether the unit ran to its end
CAPABILITIES = {  # each in words, after "offers no"
    LOCK: "lock shared by its units",
    RLOCK: "re-entrant lock",
    COUNTER: "counter shared by its units",
    EVENT: "event shared by its units",
    YIELD: "way for a unit to let the others run",
    CHANNEL: "channel between two units running at once",
    HANDOFF: "token handoff between units",
    START: "way to start one unit on its own",
}


def offered(capability: str, offers: Mapping[str, str]) -> bool:
    """Whether ``offers`` has ``capability`` (for a family, one kind of it at least)."""
    return any(name.startswith(capability) for name in offers) if capability.endswith(":") else capability in offers


def kinds(family: str, offers: Mapping[str, str]) -> list[str]:
    """The kinds of ``family`` in ``offers``, in the executor's own order ("channel:pipe", ...)."""
    return [name for name in offers if name.startswith(family)]


def kind_name(capability: str) -> str:
    """A kind without its family: "channel:pipe" -> "pipe"."""
    return capability.split(":", 1)[-1]


class Handle(Protocol):
    def result(self) -> Any: ...


class SyncExecutor(Protocol):
    """The surface a blocking-style executor offers to a workload.

    ``shared`` and ``launch`` exist only where the executor's ``INFO.offers`` names what is asked for
    (see "Primitives" above); a workload that ``needs`` them is never run elsewhere.
    """

    workers: int

    def map(self, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]: ...
    def submit(self, fn: Callable[..., Any], *args: Any) -> Handle: ...
    def queue(self, index: int = 0) -> Any: ...
    def shared(self, capability: str, index: int = 0) -> Any: ...
    def launch(self, kind: str, fn: Callable[..., Any], *args: Any) -> Any: ...


class AsyncExecutor(Protocol):
    """The surface the asyncio executor offers to a workload (``launch`` returns a Task: await it)."""

    workers: int

    async def map(self, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]: ...
    def submit(self, coro: Any) -> Any: ...
    def queue(self, index: int = 0) -> Any: ...
    def shared(self, capability: str, index: int = 0) -> Any: ...
    def launch(self, kind: str, fn: Callable[..., Any], *args: Any) -> Any: ...


@dataclass(frozen=True)
class Param:
    """One workload parameter: a full-run default, a ``--quick`` default, and its meaning."""

    name: str
    kind: str  # "int" (count >= 1), "count0" (count >= 0), or "duration" (seconds, given as 20ms/0.02s)
    default: float
    quick: float
    help: str


@dataclass(frozen=True)
class Measure:
    """One figure a COST, RACE or LATENCY workload reports per kind: ``Outcome.extra["measures"][name][kind]``."""

    name: str  # its key in extra["measures"]
    title: str  # in words, for a figure's panel
    unit: str  # "us per switch", "increments/s", "ms"
    log: bool = True  # drawn on a log axis (costs that span orders of magnitude)
    lower_is_better: bool = True


@dataclass
class Outcome:
    """What one round produced: the checked value and the amount of work done."""

    value: Any
    expected: Any
    amount: float  # in the workload's throughput unit, per round
    extra: dict[str, Any] = field(default_factory=dict)
    detail: str = ""  # why the check failed, in words, when it did

    @property
    def verified(self) -> bool:
        return bool(self.value == self.expected)


#: A function and its arguments, called once in every process that runs the workload's units.
ProcessSetup = tuple[Callable[..., Any], tuple[Any, ...]]


class Workload:
    """Base class: subclasses set the class attributes and implement the runs."""

    name: ClassVar[str]
    unit: ClassVar[str]  # throughput unit, e.g. "iterations/s"
    params: ClassVar[tuple[Param, ...]] = ()
    queues: ClassVar[int] = 0  # executor queues the workload needs, made before timing
    hidden: ClassVar[bool] = False  # not part of the default matrix (e.g. the no-op)
    in_quick: ClassVar[bool] = True  # part of the default --quick matrix (False: its cases cost time, not size)
    place: ClassVar[int] = 100  # its place in the default matrix and the report (then by name)
    styles: ClassVar[tuple[str, ...]] = ("sync", "async")  # the forms it offers: run_sync, run_async
    # --- facts read by the harness, the report and compare (saved with the run by ``facts``) ---
    needs_server: ClassVar[bool] = False  # the local HTTP server runs for it; its address is context["url"]
    size_param: ClassVar[str | None] = None  # the parameter that sets a round's length (--round-seconds)
    judged_by: ClassVar[str] = PAIRED
    ideal: ClassVar[str] = ""  # for IDEAL: the ideal time's formula, in words
    figure: ClassVar[str] = SCALING
    heatmap: ClassVar[bool] = False  # its per-core timeline is drawn (the GIL picture)
    core_bound: ClassVar[bool] = True  # its best speedup is min(workers, usable cores)
    default_workers: ClassVar[tuple[int, ...]] = ()  # worker counts; empty: 1, 2, 4, ... up to 2x usable cores
    latency: ClassVar[bool] = False  # each round reports per-request latency percentiles (extra["latency_ms"])
    measures: ClassVar[tuple[Measure, ...]] = ()  # what each round reports in extra["measures"], per kind
    needs: ClassVar[tuple[str, ...]] = ()  # primitives it cannot run without (capabilities; "family:" = any kind)
    warmup_seconds: ClassVar[float | None] = None  # its own warm-up by time, unless --warmup-seconds is given

    def __init__(self, workers: int, values: dict[str, Any], context: dict[str, Any]) -> None:
        self.workers = workers
        self.p = values
        self.context = context
        self.offers: Mapping[str, str] = context.get("offers", {})  # the executor's, inside the worker only

    @classmethod
    def describe(cls, values: dict[str, Any]) -> str:
        """The parameter values in words, for titles and captions (override to say more than name=value)."""
        return "; ".join(f"{param.name.replace('_', ' ')} {values.get(param.name)}" for param in cls.params)

    @classmethod
    def summary(cls) -> str:
        """One line saying what a round does."""
        doc = cls.__doc__ or sys.modules[cls.__module__].__doc__ or cls.name
        return doc.strip().splitlines()[0]

    @classmethod
    def facts(cls, values: dict[str, Any]) -> dict[str, Any]:
        """Everything the report, the plots and compare need to know about this workload, as saved data."""
        return {
            "summary": cls.summary(),
            "description": cls.describe(values),
            "unit": cls.unit,
            "styles": list(cls.styles),
            "needs_server": cls.needs_server,
            "size_param": cls.size_param,
            "judged_by": cls.judged_by,
            "ideal": cls.ideal,
            "figure": cls.figure,
            "heatmap": cls.heatmap,
            "core_bound": cls.core_bound,
            "latency": cls.latency,
            "measures": [asdict(measure) for measure in cls.measures],
            "needs": list(cls.needs),
        }

    def lacks(self, offers: Mapping[str, str]) -> list[str]:
        """What of ``needs`` the executor whose ``offers`` these are has not, in words (the matrix skips it)."""
        return [CAPABILITIES.get(need, need) for need in self.needs if not offered(need, offers)]

    def uses(self, offers: Mapping[str, str]) -> dict[str, int]:
        """The primitives the executor must make before it starts, capability -> how many (default: none)."""
        return {}

    def units(self) -> int:
        """How many concurrent units (threads, processes, greenlets, tasks) the executor needs."""
        return self.workers

    def queue_maxsize(self) -> int:
        """Bound of the executor's queues (0: unbounded)."""
        return 0

    def skip_reason(self, executor: str, style: str) -> str | None:
        """Why this workload cannot run honestly under ``executor`` (of ``style``) with these values, or None."""
        if style not in self.styles:
            return f"{self.name} has no {style} form"
        return None

    def process_setup(self) -> ProcessSetup | None:
        """What every process that runs this workload's units must call first (pool processes included)."""
        return None

    def prepare_sync(self, ex: SyncExecutor) -> None:
        """Untimed set-up inside the worker (open connections, warm caches)."""

    async def prepare_async(self, ex: AsyncExecutor) -> None:
        """Untimed set-up inside the worker's event loop."""

    async def close_async(self) -> None:
        """Release what ``prepare_async`` made, inside the loop."""

    def run_sync(self, ex: SyncExecutor) -> Outcome:
        raise NotImplementedError

    async def run_async(self, ex: AsyncExecutor) -> Outcome:
        raise NotImplementedError


def spin(n: int) -> int:
    """Pure-Python countdown of ``n`` steps: the unit of CPU work every workload uses."""
    done = 0
    while n > 0:
        n -= 1
        done += 1
    return done


#: CPython 3.11 runs a function's bytecode unspecialized for its first 8 calls (its adaptive interpreter's
#: warm-up; 3.12 specializes from the first): ``spin`` ran 50% slower for its first 7 calls here
#: (``python tools/warm_start.py --unwarmed``). The cpu workload calls it once per unit and round, so a case
#: measured its first rounds slow, its baseline too, however long it had warmed up by time. Called here, in
#: every process that imports the workloads (a pool's spawned children too; forked ones inherit it), it is
#: specialized before anything is timed.
SPECIALIZE_AFTER_CALLS = 8
for _ in range(SPECIALIZE_AFTER_CALLS + 1):
    spin(1)


def split(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` near-equal whole shares."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]
