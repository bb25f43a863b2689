"""The saved-run vocabulary: every name a run file carries that the analysis gives a meaning to, defined once.

A workload says how it is judged (``judged_by``) and drawn (``figure``), an
executor what one of its workers is (``unit``), and a few judgements read
measures by name. Those names travel in every saved run
(``machine_info["bench_run"]``, ``extra_info["measures"]``), so the workloads
that write them, ``bench.results`` that checks them when a file is loaded, and
the analysis that reads them all import them from here: a name typed twice could
differ by a typo, and the analysis would silently fall back to a generic
judgement. ``bench.results.load_run`` refuses a file holding a name that is not
here, naming the file and the name (as asv refuses a result file of an unknown
version).

Plain constants, no imports: the workloads import this module, and they and the
measured worker must load nothing of the harness (pyproject's import contracts
allow workloads this one module of ``bench``). Adding a name here is a change
of what a saved run may hold: say it in ``bench.FORMAT_VERSION``'s history if
an older concurrency-bench could meet it.
"""

from __future__ import annotations

#: How a workload's result is judged, and so which figure decides for it (``Workload.judged_by``).
PAIRED = "paired"  # speedup against a sequential round run right beside each round, in the same process
IDEAL = "ideal"  # measured time against the time the work would take with no overhead at all
COST = "cost"  # what one operation costs (a switch, a start, a message), per kind, measured inside the round
RACE = "race"  # a shared counter: increments per second and the updates lost, per variant (no lock, Lock, RLock)
LATENCY = "latency"  # latency percentiles of a short request as CPU-bound units beside it grow (workers)
JUDGEMENTS = (PAIRED, IDEAL, COST, RACE, LATENCY)
TIMED = (PAIRED, IDEAL)  # judged by the round times (a paired ratio, a time over the ideal); the rest inside rounds
JUDGED_WORDS = {  # how each judgement reads in a listing
    PAIRED: "paired speedup",
    IDEAL: "against the ideal",
    COST: "cost of one operation, per kind",
    RACE: "increments/s and updates lost, per lock",
    LATENCY: "latency percentiles as busy units are added",
}

#: How a workload is drawn (``Workload.figure``).
SCALING = "scaling"  # speedup against workers, with min(workers, cores) as the ideal line
AGAINST_IDEAL = "against_ideal"  # throughput, time over the ideal and latency, against concurrency
THROUGHPUT = "throughput"  # throughput against workers
COSTS = "costs"  # each measure (``Workload.measures``) as dots on a log axis: a row per executor and kind
BY_WORKERS = "by_workers"  # each measure against workers: a line per executor and kind
FIGURES = (SCALING, AGAINST_IDEAL, THROUGHPUT, COSTS, BY_WORKERS)

#: What one worker of an executor is (``ExecutorInfo.unit``): the word the report uses ("KiB per thread").
CALL = "call"  # sequential: a plain call
THREAD = "thread"  # under the GIL, threads take turns: the verdict says so where they stay on one core
PROCESS = "process"
INTERPRETER = "interpreter"  # a subinterpreter
GREENLET = "greenlet"
TASK = "task"  # an asyncio task
UNITS = (CALL, THREAD, PROCESS, INTERPRETER, GREENLET, TASK)

#: Measures (``Workload.measures``, saved per kind in ``extra_info["measures"]``) a judgement reads by name.
INCREMENTS_PER_S = "increments_per_s"  # RACE: increments per second, per variant of the shared counter
LOST_SHARE = "lost_share"  # RACE: the updates lost, in % of all, per variant
NO_LOCK = "none"  # RACE: the plain increment without a lock (the race as people write it)
LOCK = "lock"  # RACE: the variant with a plain mutex (the capability of that name), whose cost the verdict gives
NO_LOCK_YIELD = "yield"  # RACE: read, yield, write without a lock: the tutorial's race, which every model can lose
LOCK_YIELD = "yield+lock"  # RACE: the same under a Lock: the race made safe
UNLOCKED = (NO_LOCK_YIELD, NO_LOCK)  # RACE: the variants without a lock, the tutorial's race first
LOST_UPDATES = "lost_updates"  # RACE: the updates lost, counted, per variant (saved, not drawn)
LATENCY_MS = "latency_ms"  # LATENCY: a short request's latency percentiles in ms (also extra_info's own key)
P50, P90, P99 = "p50", "p90", "p99"  # the percentiles of a latency, as saved
#: The measures a workload judged so must declare: without them its judge has nothing to read.
JUDGED_MEASURES = {RACE: (INCREMENTS_PER_S, LOST_SHARE), LATENCY: (LATENCY_MS,)}

#: Duels (``bench_run.duels``): two cases measured head to head, rounds alternating. Why they met ...
LEADERS = "leaders"  # a workload's leaders, not told apart by their intervals
BUILDS = "builds"  # the fastest case of each interpreter, a free-threaded build against its GIL build
SINGLE_THREAD = "single-thread"  # one thread on each of those two builds: what the GIL's removal costs it
DUEL_REASONS = (LEADERS, BUILDS, SINGLE_THREAD)
#: ... what they compared ...
PAIRED_BASIS = "paired"  # each side's speedup against a sequential round beside it
TIME_BASIS = "time"  # round times
DUEL_BASES = (PAIRED_BASIS, TIME_BASIS)
#: ... and how it ended: A faster, B faster, within the equivalence margin, or undecided when the budget ran out.
A_WINS, B_WINS, EQUIVALENT, UNDECIDED = "a", "b", "equivalent", "undecided"
DUEL_OUTCOMES = (A_WINS, B_WINS, EQUIVALENT, UNDECIDED)
