"""A case run beside a busy process is marked unstable, with the background load named."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import run_bench, saved_run

from bench.harness.figures import unstable_reasons

SPIN = "import time\nend = time.time() + 60\nwhile time.time() < end: pass"


def test_background_load_marks_the_case_unstable(tmp_path: Path) -> None:
    noisy = subprocess.Popen([sys.executable, "-c", SPIN])
    try:
        options = "--workers 1 --cpu-n 4000000 --rounds 4 --warmup 1 --warmup-seconds 0s --warmup-limit 0s --no-report"
        done = run_bench(
            "run", "--workloads", "cpu", "--executors", "sequential", *options.split(), "--results", str(tmp_path)
        )
    finally:
        noisy.kill()
        noisy.wait()
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    extra = json.loads(saved_run(tmp_path).read_text())["benchmarks"][0]["extra_info"]
    assert extra["background_cores"] > 0.5  # the spinner's core, seen as other load
    assert any("other processes used" in reason for reason in extra["unstable"]), extra["unstable"]
    assert "WARNING: cpu-sequential-w1 is unstable: other processes used" in done.stdout


def test_a_paired_case_is_judged_on_its_paired_ratios() -> None:
    """Rounds 48% slow at first with their baselines just as slow: the ratios agree, so no warning."""
    slow_start = {"cv": 0.19, "ratio_cv": 0.01}
    assert unstable_reasons(slow_start) == []
    assert unstable_reasons({"cv": 0.01, "ratio_cv": 0.09}) == ["paired ratios vary by 9% (CV over 5%)"]
    assert unstable_reasons({"cv": 0.09}) == ["rounds vary by 9% (CV over 5%)"]  # unpaired: its times
    unsettled = unstable_reasons({"cv": 0.01, "warmup_settled": False, "warmup_s": 20.0})
    assert unsettled == ["warm-up did not settle within 20 s (--warmup-limit)"]
