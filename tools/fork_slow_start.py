"""Does forking a Pool make a process slow for its first seconds? Paired in time, round by round.

Two fresh processes run the same countdown alternately (A B, B A, ...): one starts a
Pool of 2 first (as a processes case's worker does), the other does not. Each
round's ratio (pool process over plain process) cancels the machine's speed
phases; a slow start caused by the fork would show as ratios above 1 in the
first seconds. Issue 10 saw the first rounds of every cpu processes case ~48%
slow after a 3 s warm-up; this tells whether the fork is why.

    python tools/fork_slow_start.py --trials 3 --seconds 10
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import subprocess
import sys
import time


def spin(n: int) -> None:
    while n:
        n -= 1


def child(with_pool: bool, n: int) -> None:
    """Start (or not) a Pool, then time one countdown per "run" line read."""
    pool = multiprocessing.Pool(2) if with_pool else None
    if pool is not None:
        pool.map(abs, [1, 2])
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() != "run":
            break
        started = time.perf_counter()
        spin(n)
        print(time.perf_counter() - started, flush=True)
    if pool is not None:
        pool.close()
        pool.join()


def trial(seconds: float, n: int) -> dict[int, float]:
    """Median pool/plain ratio per second since both processes started."""
    procs = {
        mode: subprocess.Popen(
            [sys.executable, __file__, "--child", mode, "--n", str(n)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for mode in ("pool", "plain")
    }
    for proc in procs.values():
        assert proc.stdout is not None
        proc.stdout.readline()
    started, ratios = time.perf_counter(), []
    while time.perf_counter() - started < seconds:
        order = ("pool", "plain") if len(ratios) % 2 == 0 else ("plain", "pool")
        took = {}
        for mode in order:
            proc = procs[mode]
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write("run\n")
            proc.stdin.flush()
            took[mode] = float(proc.stdout.readline())
        ratios.append((time.perf_counter() - started, took["pool"] / took["plain"]))
    for proc in procs.values():
        assert proc.stdin is not None
        proc.stdin.write("quit\n")
        proc.stdin.flush()
        proc.wait()
    by_second: dict[int, list[float]] = {}
    for at, ratio in ratios:
        by_second.setdefault(int(at), []).append(ratio)
    return {second: statistics.median(values) for second, values in sorted(by_second.items())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--n", type=int, default=1_000_000, help="countdown per round")
    parser.add_argument("--child", choices=("pool", "plain"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child == "pool", args.n)
        return
    for number in range(args.trials):
        found = trial(args.seconds, args.n)
        shown = " ".join(f"{second}s:{ratio:.2f}" for second, ratio in found.items())
        print(f"trial {number + 1}, pool/plain per second since start: {shown}", flush=True)


if __name__ == "__main__":
    main()
