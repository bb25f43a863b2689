"""How slow a fresh process's first rounds are: the measurement behind ``--warmup-seconds``.

    python tools/warm_start.py                    # 8 fresh processes, 6 s each of back-to-back countdown rounds
    python tools/warm_start.py --unwarmed         # ... of a countdown never called before (CPython 3.11's warm-up)
    python tools/warm_start.py --processes 4 --seconds 4

Each fresh interpreter counts down in rounds of ``--loops`` iterations for ``--seconds`` and reports every
round's time: with ``workloads.spin``, every workload's unit of CPU work, imported before the clock starts
as a worker does (importing it specializes it: see ``workloads.SPECIALIZE_AFTER_CALLS``), or with
``--unwarmed`` the same loop in a function called for the first time in the first round. Printed: per slice
of ``--slice`` seconds since the process started, the median over processes of its rounds' time against
that process's own steady median (rounds after half its run). The first slices above ~1.05 are the slow
start a warm-up must outlast; docs/methodology/warm-up.md quotes what this printed on the development
machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import json, sys, time
loops, seconds, unwarmed = int(sys.argv[1]), float(sys.argv[2]), sys.argv[4] == "unwarmed"
sys.path.insert(0, sys.argv[3])
from workloads import spin
if unwarmed:
    def spin(n):
        done = 0
        while n > 0:
            n -= 1
            done += 1
        return done
rounds, t0 = [], time.perf_counter()
while time.perf_counter() - t0 < seconds:
    start = time.perf_counter()
    spin(loops)
    rounds.append((start - t0, time.perf_counter() - start))
print(json.dumps(rounds))
"""


def one_process(loops: int, seconds: float, unwarmed: bool = False) -> list[tuple[float, float]]:
    """(start since the process began timing, duration) of each round of one fresh interpreter."""
    command = [sys.executable, "-c", CHILD, str(loops), str(seconds), str(ROOT), "unwarmed" if unwarmed else "spin"]
    done = subprocess.run(command, capture_output=True, check=True)
    return [tuple(pair) for pair in json.loads(done.stdout)]


def slowdown_by_slice(runs: list[list[tuple[float, float]]], seconds: float, width: float) -> list[float]:
    """Per slice of ``width`` seconds: the median, over processes, of round time / that process's steady median."""
    by_slice: list[list[float]] = [[] for _ in range(int(seconds / width) + 1)]
    for rounds in runs:
        steady = statistics.median(t for start, t in rounds if start >= seconds / 2)
        for start, t in rounds:
            by_slice[int(start / width)].append(t / steady)
    return [statistics.median(values) for values in by_slice if values]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=8, help="fresh processes, one after another (default: 8)")
    parser.add_argument("--seconds", type=float, default=6.0, help="rounds per process, for so long (default: 6)")
    parser.add_argument("--loops", type=int, default=4_000_000, help="countdown per round (default: 4000000)")
    parser.add_argument("--slice", type=float, default=0.25, help="seconds per printed slice (default: 0.25)")
    parser.add_argument("--unwarmed", action="store_true", help="a countdown never called before the first round")
    args = parser.parse_args()
    runs = [one_process(args.loops, args.seconds, args.unwarmed) for _ in range(args.processes)]
    round_s = statistics.median(t for rounds in runs for _, t in rounds)
    print(f"{args.processes} fresh processes, rounds of {round_s * 1000:.0f} ms; time against the steady median:")
    for i, ratio in enumerate(slowdown_by_slice(runs, args.seconds, args.slice)):
        print(f"  {i * args.slice:5.2f}-{(i + 1) * args.slice:5.2f} s  {ratio:.2f}x")


if __name__ == "__main__":
    main()
