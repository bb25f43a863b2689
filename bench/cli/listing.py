"""``python -m bench list``: the workloads, executors, interpreters and worker counts a run can choose, here."""

from __future__ import annotations

from importlib import metadata

import workloads

from .. import machine
from ..harness import freethreaded
from ..harness.config import cpu_ladder
from ..harness.parsing import show_value
from ..worker.executors import PROJECT, missing_requirements, registry, unavailable
from .free_threaded import describe
from .parser import Parser

CLASSIFIER = "Programming Language :: Python :: "


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
        free = "" if info.free_threaded else "  [not on free-threaded builds]"
        print(f"  {name:<20} {info.summary}{default}{free}{state}")


def project_versions() -> list[str]:
    """The Pythons the project supports (its classifiers: 3.11, 3.12, 3.13), as its installed metadata says."""
    try:
        classifiers = metadata.metadata(PROJECT).get_all("Classifier") or []
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return []
    versions = [text.removeprefix(CLASSIFIER) for text in classifiers if text.startswith(CLASSIFIER)]
    return [version for version in versions if version.count(".") == 1]


def first_found(version: str) -> freethreaded.Found | None:
    """The GIL build of ``version`` that ``--python VERSION`` takes: the first of its places that runs."""
    for path, origin in freethreaded.places(version, free=False):
        found = freethreaded.identify(path, origin)
        if found is not None and not found.free_threaded:
            return found
    return None


def print_interpreters() -> None:
    """The project's Pythons and every free-threaded build found here: what ``--python`` can take by version."""
    print("\nInterpreters (--python LIST, by version or path; a free-threaded build runs twice, -nogil and -gil):")
    for version in project_versions():
        found = first_found(version)
        print(f"  {describe(found)}" if found else f"  {version:<7} not found here")
    free = freethreaded.free_threaded()
    for one in free:
        print(f"  {describe(one)}  [free-threaded]")
    if not free:
        print("  (no free-threaded build found: python -m bench free-threaded provides one)")


def main(argv: list[str]) -> int:
    Parser(prog="bench list", description="Print workloads, executors and their parameters.").parse_args(argv)
    usable = machine.usable_cores()
    print(f"Machine: {machine.describe(machine.collect())}\n")
    ladder = ",".join(map(str, cpu_ladder(usable)))
    print_workloads(ladder)
    print_executors()
    print_interpreters()
    quick = ",".join(map(str, cpu_ladder(usable, quick=True)))
    print(
        f"\nWorkers (--workers LIST): {ladder} (up to 2x the {usable} usable cores; --quick {quick}) "
        "unless the workload has its own"
    )
    return 0
