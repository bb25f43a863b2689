"""Where duels are held: after a run's cases, one item per workload (and interpreter) that may need one.

The suite collects one duel item per workload judged by a timed figure (paired
speedup or time against the ideal), per interpreter, and one across
interpreters when ``--python`` gives several. Each item reads the finished
cases of its group (``contenders``), and holds the duels they call for: both
cases' workers started afresh and warmed up as a case's are, then rounds
alternating (``duel.fight``) under one sampler that watches both trees, so a
pair that other programs' load distorted is redone. Each duel is journalled,
so a run interrupted later keeps it, and saved in ``bench_run.duels``.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import workloads

from .. import BASELINE
from ..vocabulary import A_WINS, B_WINS, BUILDS, EQUIVALENT, LEADERS, PAIRED_BASIS, SINGLE_THREAD, TIME_BASIS
from . import contenders
from .duel import Paired, Rule, Sequential, Side, Timed, fight
from .interpreters import Interpreter
from .matrix import Case
from .rounds import Rounds
from .sampler import Sampler

if TYPE_CHECKING:
    from .run import Run

DUEL_SETTLE_S = 3.0  # a duel's fresh workers warm up until settled for at most this long, even where a run does not


@dataclass(frozen=True)
class Group:
    """The cases one duel item looks at: a workload's, under one interpreter ("" the harness's own), or across."""

    workload: str
    python: str = ""
    across: bool = False  # across --python's interpreters: the fastest case of each, and sequential of each

    @property
    def id(self) -> str:
        where = "-builds" if self.across else (f"-{self.python}" if self.python else "")
        return f"duel-{self.workload}{where}"


def groups(config: Any) -> list[Group]:
    """The duel items of a run (none with --no-duels)."""
    if not config.duels:
        return []
    found = []
    labels = [python.label for python in config.pythons] or [""]
    for name in config.workloads:
        if config.workload(name).judged_by not in workloads.TIMED:
            continue
        found += [Group(name, label) for label in labels]
        if len(labels) > 1:
            found.append(Group(name, across=True))
    return found


def builds_met(pythons: Sequence[Interpreter]) -> list[tuple[str, str]]:
    """Which interpreters' cases meet in duels: each free-threaded build as its users run it (GIL off) against the
    GIL build of its version (else the first GIL build), as the verdict across builds pairs them
    (``bench.analysis.builds``); in a run without free-threaded builds, the first interpreter against each other."""
    gil = [python for python in pythons if not python.facts.get("free_threaded_build")]
    free = [python for python in pythons if python.facts.get("free_threaded_build") and not python.expects_gil]
    if not free:
        return [(pythons[0].label, other.label) for other in pythons[1:]]

    def minor(python: Interpreter) -> tuple[int, ...]:
        return tuple(python.facts.get("version_info") or ())[:2]

    met = []
    for build in free:
        partner = next((python for python in gil if minor(python) == minor(build)), gil[0] if gil else None)
        if partner is not None:
            met.append((partner.label, build.label))
    return met


def outcome(record: dict[str, Any]) -> str:
    """A duel in a few words, for the run's display: who beat whom and by how much, or how it ended."""
    a, b = (
        f"{side['executor']} w{side['workers']}{' ' + side['python'] if side['python'] else ''}"
        for side in (record["a"], record["b"])
    )
    rounds = f"{2 * record['pairs']} rounds"
    if record["outcome"] == A_WINS:
        return f"{a} beat {b} {record['ratio']:.2f}x in {rounds}"
    if record["outcome"] == B_WINS:
        return f"{b} beat {a} {1 / record['ratio']:.2f}x in {rounds}"
    if record["outcome"] == EQUIVALENT:
        return f"{a} and {b} equivalent in {rounds}"
    return f"{a} and {b} undecided after {rounds}"


def _side(case: Case) -> dict[str, Any]:
    return {"executor": case.executor, "workers": case.workers, "python": case.python}


class Arena:
    """Holds the duels of one run: picks them from its finished cases, runs them, journals them."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.rule = Rule(run.config.duel_budget)

    def _entries(self, workload: str, python: str) -> list[dict[str, Any]]:
        return [
            entry
            for entry in self.run.benchmarks
            if entry["params"]["workload"] == workload and entry["params"].get("python", "") == python
        ]

    def hold(self, group: Group) -> list[dict[str, Any]]:
        """Every duel the group's finished cases call for, each journalled as it ends; their records."""
        if group.across:
            return [self._duel(a, b, why) for a, b, why in self._across(group)]
        judged_by = str(self.run.facts[group.workload]["judged_by"])
        ranked = contenders.standings(self._entries(group.workload, group.python), judged_by)
        held = []
        top = ranked[0] if ranked else None
        for challenger in contenders.challengers(ranked):
            assert top is not None
            held.append(self._duel(top.case_id, challenger.case_id, LEADERS))
            if held[-1]["outcome"] == B_WINS:
                top = challenger  # the duel overturned the medians' order: the new leader faces the rest
        base = contenders.baseline_of(top, ranked) if top is not None else None
        if top is not None and base is not None:
            held.append(self._duel(top.case_id, base.case_id, LEADERS))
        return held

    def _across(self, group: Group) -> list[tuple[str, str, str]]:
        """The fastest case of each build against its partner's, and sequential against sequential."""
        found = []
        for first, other in builds_met(self.run.config.pythons):
            mine, theirs = self._entries(group.workload, first), self._entries(group.workload, other)
            a, b = contenders.fastest(mine), contenders.fastest(theirs)
            if a and b:
                found.append((a, b, BUILDS))
            seq_a = [e["param"] for e in mine if e["params"]["executor"] == BASELINE]
            seq_b = [e["param"] for e in theirs if e["params"]["executor"] == BASELINE]
            if seq_a and seq_b and (seq_a[0], seq_b[0]) != (a, b):
                found.append((seq_a[0], seq_b[0], SINGLE_THREAD))
        return found

    def _duel(self, id_a: str, id_b: str, why: str) -> dict[str, Any]:
        """One duel between two finished cases, journalled as it ends (an interrupted run keeps it)."""
        case_a, case_b = self.run.cases[id_a], self.run.cases[id_b]
        record = {
            "workload": case_a.workload,
            "params": dict(case_a.values),
            "a": _side(case_a),
            "b": _side(case_b),
            "why": why,
            **self.bout(case_a, case_b, self.basis(why, case_a, case_b)),
        }
        self.run.journal.append({"kind": "duel", "entry": record})
        self.run.duels.append(record)
        return record

    def basis(self, why: str, *cases: Case) -> str:
        """Paired speedups where the workload is judged by them and every side can pair; round times otherwise."""
        judged = self.run.facts[cases[0].workload]["judged_by"]
        pairable = all(case.paired or case.executor == BASELINE for case in cases)
        return PAIRED_BASIS if why == LEADERS and judged == workloads.PAIRED and pairable else TIME_BASIS

    def bout(self, case_a: Case, case_b: Case, basis: str = TIME_BASIS) -> dict[str, Any]:
        """Both cases' workers, warmed up until settled, then steps alternating until decided: the duel's record."""
        config = self.run.config
        with ExitStack() as stack:
            started = {
                case.id: stack.enter_context(self.run.worker(case, paired=basis == PAIRED_BASIS, sampled=False))
                for case in (case_a, case_b)
                if not (basis == PAIRED_BASIS and case.executor == BASELINE)  # sequential's speedup is 1 by definition
            }
            sampler = None
            if config.sampling:
                server = self.run.server.pid if self.run.server else None
                trees = [side.child.tree for side in started.values()]
                sampler = Sampler(config.interval, lambda: [proc for tree in trees for proc in tree()], server)
                sampler.start()
                stack.callback(sampler.stop)
            mark = sampler.mark if sampler else lambda: None
            rounds = {
                key: Rounds(side.child, basis == PAIRED_BASIS, config.timeout, mark) for key, side in started.items()
            }
            limit = max(config.warmup_limit, DUEL_SETTLE_S)  # fresh processes: warmed until settled, even --quick
            warmed = [
                one.warm_up(config.warmup, config.warmup_seconds_for(case_a.workload), limit) for one in rounds.values()
            ]
            sides = [self._side_of(case, rounds, basis) for case in (case_a, case_b)]
            read = sampler.foreign if sampler is not None and config.load_limit > 0 else None
            bout = fight(sides[0], sides[1], self.rule, read, self.run.guard)
        return {**bout.record(self.rule), "basis": basis, "warmup_s": [round(w.seconds, 2) for w in warmed]}

    @staticmethod
    def _side_of(case: Case, rounds: dict[str, Rounds], basis: str) -> Side:
        if case.id not in rounds:
            return Sequential()
        return Paired(rounds[case.id]) if basis == PAIRED_BASIS else Timed(rounds[case.id])
