"""Where does the harness lose the processes speedup? The harness and a plain script, interleaved, side by side.

Issue 10 saw processes at 2 workers reach 1.86x in the harness but 1.99x in a
plain script that starts a Pool before timing, maps the two halves of the
countdown onto it and pairs each timed map with a countdown in its own main
process. This runs, in rotating order so the machine's phases favour none:

- ``plain``: that script (``--plain``), in a process of its own;
- ``plain+sampler``: the same, while the harness's own sampler
  (``bench.harness.sampler.Sampler``) watches its process tree from this process,
  as the harness watches a worker;
- ``harness``: ``python -m bench run --workloads cpu --executors processes``;
- ``harness-no-sampling``: the same with ``--no-sampling``;

and prints each condition's paired speedups (median of per-round ratios, a
sequential round beside each measured one, B C C B) per worker count. Figures from a
loaded machine are indicative only: rerun it on a quiet one.

    python tools/speedup_gap.py --blocks 3 --n 10000000 --rounds 10

``--sampler-cost`` prints instead the sampler's own CPU per sample of a worker
with a pool of 2 (light samples, full ones, and the PSS/USS reads they skip):
CPU time, so it holds on a loaded machine too.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def spin(n: int) -> int:
    """The cpu workload's countdown (workloads.spin), copied on purpose: the plain script is the control, and it
    loads nothing of ours (not even the workloads package), so whatever it does not lose is the harness's doing."""
    done = 0
    while n > 0:
        n -= 1
        done += 1
    return done


def plain(workers: int, n: int, rounds: int, warmup: int) -> list[float]:
    """The plain script: per-round ratios of a countdown in this process over the same work mapped on a Pool."""
    share = [n // workers + (1 if i < n % workers else 0) for i in range(workers)]
    with multiprocessing.Pool(workers) as pool:
        pool.map(spin, [1] * workers, chunksize=1)
        ratios = []
        for index in range(warmup + rounds):
            base_first = index % 2 == 0  # B C C B, as the harness pairs them
            if base_first:
                started = time.perf_counter()
                spin(n)
                base = time.perf_counter() - started
            started = time.perf_counter()
            pool.map(spin, share, chunksize=1)
            case = time.perf_counter() - started
            if not base_first:
                started = time.perf_counter()
                spin(n)
                base = time.perf_counter() - started
            if index >= warmup:
                ratios.append(base / case)
    return ratios


def run_plain(workers: int, args: argparse.Namespace, sampled: bool) -> list[float]:
    command = [sys.executable, __file__, "--plain", "--workers", str(workers), "--n", str(args.n)]
    command += ["--rounds", str(args.rounds), "--warmup", str(args.warmup)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    sampler = None
    if sampled:
        sys.path.insert(0, str(ROOT))
        import psutil

        from bench.harness.sampler import Sampler

        root = psutil.Process(child.pid)

        def tree() -> list[psutil.Process]:
            try:
                return [root, *root.children(recursive=True)]
            except psutil.Error:
                return []

        sampler = Sampler(0.05, tree)
        sampler.start()
    out, _ = child.communicate()
    if sampler is not None:
        sampler.stop()
    ratios: list[float] = json.loads(out)
    return ratios


def run_harness(workers: int, args: argparse.Namespace, sampling: bool) -> list[float]:
    with tempfile.TemporaryDirectory() as results:
        command = [sys.executable, "-m", "bench", "run", "--workloads", "cpu", "--executors", "processes"]
        command += ["--workers", str(workers), "--cpu-n", str(args.n), "--rounds", str(args.rounds)]
        command += ["--no-report", "--results", results, *([] if sampling else ["--no-sampling"])]
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        (saved,) = Path(results).rglob("0001_*.json")
        entry = json.loads(saved.read_text())["benchmarks"][0]
        ratios: list[float] = entry["extra_info"]["speedup_rounds"]
        return ratios


def idle(_: object) -> int:
    return 0


def sampler_cost(samples: int = 400) -> None:
    """CPU per sample of the harness's sampler watching a process with a pool of 2 (this one)."""
    sys.path.insert(0, str(ROOT))
    import psutil

    from bench.harness.sampler import Sampler

    with multiprocessing.Pool(2) as pool:
        pool.map(idle, [0, 0])
        me = psutil.Process()
        procs = [me, *me.children(recursive=True)]
        watcher = Sampler(0.05, lambda: procs)
        for what, full, exact in (
            ("light", False, False),
            ("full, memory unchanged", True, False),
            ("full, exact", True, True),
        ):
            started = time.thread_time()
            for _ in range(samples):
                watcher._sample(full, exact)
            print(f"{what:<24} {(time.thread_time() - started) / samples * 1e3:.3f} ms of CPU per sample")


CONDITIONS = {
    "plain": lambda w, a: run_plain(w, a, sampled=False),
    "plain+sampler": lambda w, a: run_plain(w, a, sampled=True),
    "harness": lambda w, a: run_harness(w, a, sampling=True),
    "harness-no-sampling": lambda w, a: run_harness(w, a, sampling=False),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=2, help="rounds of every condition, in rotating order")
    parser.add_argument("--n", type=int, default=10_000_000, help="countdown per round (the cpu workload's n)")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=6, help="plain script's warm-up rounds")
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--sampler-cost", action="store_true", help="the sampler's CPU per sample, then stop")
    parser.add_argument("--plain", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sampler_cost:
        sampler_cost()
        return
    if args.plain:
        print(json.dumps(plain(args.workers[0], args.n, args.rounds, args.warmup)))
        return
    names = list(CONDITIONS)
    found: dict[tuple[str, int], list[float]] = {}
    for block in range(args.blocks):
        order = names[block % len(names) :] + names[: block % len(names)]
        for workers in args.workers:
            for name in order:
                ratios = CONDITIONS[name](workers, args)
                found.setdefault((name, workers), []).append(statistics.median(ratios))
                print(f"block {block + 1}, w{workers}, {name}: {statistics.median(ratios):.3f}", flush=True)
    print("\ncondition            workers  paired speedup per block (median of its rounds)  median")
    for (name, workers), medians in found.items():
        shown = " ".join(f"{m:.3f}" for m in medians)
        print(f"{name:<20} {workers:<8} {shown:<48} {statistics.median(medians):.3f}")


if __name__ == "__main__":
    main()
