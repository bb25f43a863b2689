"""concurrency-bench: threads, processes and coroutines measured side by side.

Kept import-free on purpose: ``python -m bench.worker`` imports this package
before gevent's monkey-patching, which must come before threading is imported.
"""

__version__ = "0.2.0"

# Version of what we add to pytest-benchmark's JSON (params, extra_info, machine_info["bench"]).
# History (``bench.results`` reads every version up to this one, migrating older ones as it loads):
# 1 - first release: workloads cpu, http and pipeline, known to the report by name.
# 2 - workloads describe themselves: machine_info["bench_run"]["workloads"] holds each workload's facts
#     (unit, how it is judged and drawn, a user target's file and SHA-256), ["executors"] each executor's;
#     run options per workload (config.ladders replaces config.http_workers).
# 3 - interpreters side by side (--python): params["python"] labels a case's interpreter, and
#     machine_info["bench_run"]["pythons"] holds each one's facts, from the interpreter itself; per case,
#     extra_info gains effective_cores_rounds (per round), ratio_cv, warmup_s/warmup_settled and
#     gil_enabled/gil_expected. A format-2 reader would pool two interpreters' cases as passes of one.
# 4 - rounds that count (issue 19): a case measures until its figure is sharp, and rounds that other programs'
#     load distorted are redone; extra_info gains stopped, precision, measuring_s, rounds_redone,
#     foreign_cores_rounds and loaded_rounds, and its "unstable" reasons mean what they say for the result;
#     machine_info["bench_run"]["duels"] holds the head-to-head duels that decided contested leaders.
FORMAT_VERSION = 4

#: The executor every paired speedup is measured against (what the saved speedups mean).
BASELINE = "sequential"
#: ... and its form for a function with only an ``async def`` form: its tasks awaited one at a time.
ASYNC_BASELINE = "asyncio"
