"""``python -m bench list``: the workloads, executors and worker counts a run can choose from, on this machine."""

from __future__ import annotations

import workloads

from .. import machine
from ..harness.config import cpu_ladder
from ..harness.parsing import show_value
from ..worker.executors import missing_requirements, registry, unavailable
from .parser import Parser


def print_workloads(ladder: str) -> None:
    print("Workloads (set a parameter with --WORKLOAD-PARAM VALUE; your own: --workloads module:function):")
    for name, workload in workloads.load_all().items():
        hidden = "  [not in the default matrix]" if workload.hidden else ""
        hidden = hidden or ("  [not in --quick]" if not workload.in_quick else "")
        judged = workloads.JUDGED_WORDS.get(workload.judged_by, workload.judged_by)
        judged += f" {workload.ideal}" if workload.judged_by == workloads.IDEAL else ""
        print(f"  {name:<10} {workload.summary()} ({workload.unit}; {judged}){hidden}")
        workers = ",".join(map(str, workload.default_workers)) or ladder
        print(f"      {'--' + name + '-workers':<26} worker counts [default {workers}]")
        for param in workload.params:
            print(
                f"      {'--' + name + '-' + param.name.replace('_', '-'):<26} {param.help} "
                f"[default {show_value(param.default, param.kind)}, --quick {show_value(param.quick, param.kind)}]"
            )


def print_executors() -> None:
    print("\nExecutors (--executors LIST, or all):")
    for name, info in registry().items():
        missing = missing_requirements(name)
        why_not = unavailable(name)
        state = f"  [not installed: {', '.join(missing)}; {info.install or 'pip install ' + ' '.join(missing)}]"
        state = state if missing else (f"  [skipped here: {why_not}]" if why_not else "")
        default = "" if info.default else "  [not in the default matrix]"
        print(f"  {name:<20} {info.summary}{default}{state}")


def main(argv: list[str]) -> int:
    Parser(prog="bench list", description="Print workloads, executors and their parameters.").parse_args(argv)
    usable = machine.usable_cores()
    print(f"Machine: {machine.describe(machine.collect())}\n")
    ladder = ",".join(map(str, cpu_ladder(usable)))
    print_workloads(ladder)
    print_executors()
    quick = ",".join(map(str, cpu_ladder(usable, quick=True)))
    print(
        f"\nWorkers (--workers LIST): {ladder} (up to 2x the {usable} usable cores; --quick {quick}) "
        "unless the workload has its own"
    )
    return 0
