"""The run's console (bench.harness.display, plugin, key_figure): a line per case, the time left, no pytest inside.

The display's logic on a fake clock and a recording console; each judgement's key figure from saved figures;
then real runs as a user sees them: through a pipe (plain lines, no escapes), in a pseudo-terminal (the live
region), and with -v (pytest's own terminal).
"""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import BRIEF, ROOT, run_bench
from rich.console import Console

from bench.harness.display import Display, Estimate, Item, duration, pick
from bench.harness.key_figure import key_figure

#: Two cpu cases and one left out by design, in a second or two.
TINY_CPU = ["--workloads", "cpu", "--executors", "sequential,threads", "--workers", "1,2", "--cpu-n", "20000"]


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def recording(terminal: bool = False) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=terminal, width=200, soft_wrap=True, color_system=None), out


def items(*groups: str) -> list[Item]:
    return [Item(f"suite.py::test_case[{group}-{i}]", f"{group}-{i}", group) for i, group in enumerate(groups)]


def test_durations_are_told_at_the_precision_of_a_wait() -> None:
    assert [duration(s) for s in (0.04, 9.4, 42.4, 185, 3725)] == ["0.0 s", "9.4 s", "42 s", "3 min 05 s", "1 h 02 min"]


def test_the_time_left_comes_from_finished_items_of_the_same_group() -> None:
    """Each remaining item takes the mean of its group so far, or of every finished item if its group has none."""
    estimate = Estimate()
    assert estimate.left(["cpu"]) is None  # nothing finished: no estimate, rather than a guess
    estimate.add("cpu", 2.0)
    estimate.add("cpu", 4.0)
    estimate.add("http", 9.0)
    assert estimate.left(["cpu", "http", "locks"]) == pytest.approx(3.0 + 9.0 + 5.0)


def test_a_plain_console_prints_each_finished_item_with_the_count_and_the_estimate() -> None:
    console, out = recording()
    clock = FakeClock()
    display = Display(console, clock=clock)
    a, b, c = items("cpu", "cpu", "http")
    display.plan([a, b, c], {"sequential runs one unit at a time: it is measured at workers=1 only": 2})
    display.begin(a.nodeid)
    clock.now += 2.0
    display.finished(a.nodeid, "1.00x on 0.99 cores")
    display.begin(b.nodeid)
    clock.now += 4.0
    display.failed(b.nodeid, "ResultError: f(0) returned 1, then 2")
    display.begin(c.nodeid)
    clock.now += 1.0
    display.finished(c.nodeid, "1.20x the ideal time", unstable=True)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Measuring 3 cases."
    assert lines[1] == "  not run (2 cases): sequential runs one unit at a time: it is measured at workers=1 only"
    assert lines[2].split() == [
        "ok",
        "cpu-0",
        "1.00x",
        "on",
        "0.99",
        "cores",
        "2.0",
        "s",
        "[1/3,",
        "about",
        "4.0",
        "s",
        "left]",
    ]
    assert lines[3] == "FAILED cpu-1: ResultError: f(0) returned 1, then 2  [2/3, about 3.0 s left]"
    assert lines[4].split() == ["ok", "http-2", "1.20x", "the", "ideal", "time", "(unstable)", "1.0", "s", "[3/3]"]
    assert "\x1b[" not in out.getvalue()  # no escapes where output is not a terminal


def test_a_long_cause_repeated_is_said_once_and_quiet_shows_failures_only() -> None:
    console, out = recording()
    display = Display(console, quiet=True, clock=FakeClock())
    first, second, third = items("lam", "lam", "cpu")
    display.plan([first, second, third], {})
    cause = "ResultError: lam(0) returns a new function on every call, which compares by identity " + "x" * 40
    display.failed(first.nodeid, cause)
    display.failed(second.nodeid, cause)
    display.finished(third.nodeid, "1.00x")
    lines = out.getvalue().splitlines()[1:]
    assert lines[0].startswith(f"FAILED lam-0: {cause}")
    assert lines[1].startswith("FAILED lam-1: ResultError: the same cause as lam-0")
    assert len(lines) == 2  # -q: the finished case has no line


def test_a_terminal_gets_the_live_region_and_keeps_the_lines() -> None:
    console, out = recording(terminal=True)
    clock = FakeClock()
    display = Display(console, clock=clock)
    (only,) = items("cpu")
    display.plan([only], {})
    display.begin(only.nodeid)
    clock.now += 1.5
    display.finished(only.nodeid, "1.00x")
    display.stop()
    text = out.getvalue()
    assert "cpu-0" in text and "1/1" in text and "spent" in text
    assert "ok cpu-0" in text and "[1/1" not in text  # the count lives in the live region, not in the lines


def test_pick_says_each_reason_once_with_how_many() -> None:
    running, left_out = pick([1, 2, 3, 4, 5], lambda n: None if n % 2 else ("even" if n < 4 else "big"))
    assert running == [1, 3, 5] and left_out == {"even": 1, "big": 1}


@pytest.mark.parametrize(
    ("judged_by", "extra", "said"),
    [
        ("paired", {"speedup": 1.934, "effective_cores": 1.88}, "1.93x on 1.88 cores"),
        ("ideal", {"vs_ideal": 2.1, "effective_cores": 0.5}, "2.10x the ideal time on 0.50 cores"),
        (
            "race",
            {"measures": {"lost_share": {"none": 0.0, "yield": 75.0}, "increments_per_s": {"lock": 4.89e6}}},
            "lost without a lock: 75% (read, yield, write), 0% (plain), 4.89M increments/s with a Lock",
        ),
        (
            "race",
            {"measures": {"lost_share": {"none": 0.0, "yield": 0.0}, "increments_per_s": {"lock": 5e6}}},
            "no update lost without a lock, 5M increments/s with a Lock",
        ),
        ("cost", {"measures": {"us_per_switch": {"event": 49.8, "greenlet": 0.285}}}, "cheapest: greenlet 0.285 us"),
        ("latency", {"latency_ms": {"p50": 0.5, "p90": 0.9, "p99": 1.1}}, "p50 0.5 ms, p99 1.1 ms"),
        ("paired", {"throughput": 123456.0, "throughput_unit": "items/s"}, "123,000 items/s"),  # no speedup: unpaired
    ],
)
def test_the_key_figure_is_what_the_case_is_judged_by(judged_by: str, extra: dict[str, object], said: str) -> None:
    facts = {"judged_by": judged_by, "measures": [{"name": "us_per_switch", "unit": "us", "lower_is_better": True}]}
    assert key_figure(extra, facts).startswith(said)


@pytest.mark.slow
def test_a_piped_run_is_plain_lines_without_pytest(tmp_path: Path) -> None:
    """Through a pipe: the plan, one line per case with its figure and the count, the end and the verdict; no
    pytest header, item lines or warnings summary, no escapes; the case left out by design said once."""
    done = run_bench("run", *TINY_CPU, *BRIEF, "--no-report", "--results", str(tmp_path))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    for pytest_line in ("test session starts", "PASSED", "SKIPPED", "warnings summary", "Warning", "test_case["):
        assert pytest_line not in out + done.stderr, pytest_line
    assert "\x1b[" not in out
    assert out.startswith("Measuring 3 cases.\n  not run (1 case): sequential runs one unit at a time")
    ok = [line for line in out.splitlines() if line.startswith("  ok ")]
    assert [line.split()[1] for line in ok] == ["cpu-sequential-w1", "cpu-threads-w1", "cpu-threads-w2"]
    assert all("x on " in line and " cores" in line for line in ok)
    assert ok[-1].endswith("[3/3]") and "left]" in ok[0]
    assert "Done in " in out and "3 cases measured" in out and "Saved run: " in out
    assert out.index("Saved run: ") < out.index("the verdict") and "headline figures" not in out


@pytest.mark.slow
def test_a_terminal_shows_the_live_region(tmp_path: Path) -> None:
    """In a pseudo-terminal: the item running, the count and the time left are drawn, and the lines stay."""
    argv = [sys.executable, "-m", "bench", "run", *TINY_CPU, *BRIEF, "--no-report", "--results", str(tmp_path)]
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "160", "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(argv, cwd=tmp_path, env=env, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower)
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 1.0)
            if ready:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # the terminal closed: the run is over
                    break
                if not chunk:
                    break
                seen += chunk
            elif proc.poll() is not None:
                break
    finally:
        os.close(leader)
        code = proc.wait(timeout=60)
    text = seen.decode(errors="replace")
    assert code == 0, text[-3000:]
    assert "\x1b[" in text  # drawn, not printed plainly
    assert "spent" in text and "/3" in text
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)
    assert "ok cpu-threads-w2" in plain and "Saved run: " in plain


@pytest.mark.slow
def test_verbose_shows_pytests_own_terminal(tmp_path: Path) -> None:
    done = run_bench("run", *TINY_CPU, *BRIEF, "--no-report", "-v", "--results", str(tmp_path))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "test session starts" in done.stdout and "test_case[cpu-threads-w2] PASSED" in done.stdout
    assert "headline figures" in done.stdout and "Saved run: " in done.stdout
    assert "PytestBenchmarkWarning" not in done.stdout  # the skipped case's unused fixture is not warned about
