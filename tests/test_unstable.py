"""Foreign load is measured per round and acted on; "unstable" says what it means for the result.

A busy child process beside a run: its rounds are redone (bounded), the loaded
rounds it had to keep are named, and the verdict says first that the machine was
busy instead of calling a winner.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import run_bench, saved_run

from bench.harness.figures import UNSTABLE_PRECISION, unstable_reasons

SPIN = "import time\nend = time.time() + 60\nwhile time.time() < end: pass"


def test_a_busy_machine_redoes_rounds_then_says_so_first(tmp_path: Path) -> None:
    noisy = subprocess.Popen([sys.executable, "-c", SPIN])
    try:
        options = (
            "--workloads cpu --executors sequential,processes --workers 1,2 --cpu-n 2000000 --rounds 2 "
            "--max-rounds 2 --warmup 0 --warmup-seconds 0s --warmup-limit 0s --load-limit 0.2 --quiet-wait 0.3s "
            "--no-duels --no-report"
        )
        done = run_bench("run", *options.split(), "--results", str(tmp_path))
    finally:
        noisy.kill()
        noisy.wait()
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    cases = {
        b["params"]["executor"]: b["extra_info"] for b in json.loads(saved_run(tmp_path).read_text())["benchmarks"]
    }
    both = cases["processes"]
    assert len(both["rounds_redone"]) == 2  # the budget: as many as --rounds, each after a bounded wait
    assert all(redo["foreign_cores"] > 0.2 and not redo["quiet"] for redo in both["rounds_redone"])
    assert both["loaded_rounds"], both  # still busy: the rounds it then had to count are named
    assert any("other programs used" in reason for reason in both["unstable"]), both["unstable"]
    said = " ".join(done.stdout.split())  # the verdict is wrapped for the terminal
    assert "cpu: The machine was busy: other programs used" in said
    assert "No winner is called on rounds that load distorted" in said
    assert "no executor is clearly faster than sequential" not in said


def test_unstable_means_what_the_verdict_uses() -> None:
    """Only what weakens the figures a verdict reads is flagged, each reason saying what it means."""
    sharp = {"precision": 0.02, "speedup_rounds": [1.9, 1.95], "foreign_cores_rounds": [0.0, 0.1]}
    assert unstable_reasons({**sharp, "cv": 0.3, "warmup_settled": False}) == []  # spread times: paired ratios agree
    wide = unstable_reasons({**sharp, "precision": UNSTABLE_PRECISION + 0.05})
    assert wide == ["its speedup is known only to +-15% after 2 rounds: differences smaller than that are noise here"]
    loaded = unstable_reasons({**sharp, "loaded_rounds": [1], "foreign_cores_rounds": [0.0, 0.8]})
    assert loaded == [
        "other programs used 0.80 cores during 1 of its 2 counted rounds, and the machine stayed busy: "
        "its figures are distorted"
    ]
    gil = unstable_reasons({"precision": 0.01, "gil_enabled": True, "gil_expected": False})
    assert gil == [
        "the GIL came back on at run time (importing an extension module turned it on): not a free-threaded result"
    ]
