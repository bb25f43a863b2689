"""bench.harness.sampler: exact figures from hand-made ticks (a fake clock), and a real child seen from outside.

The real children are judged by agreement with the kernel's own count over the same window, never by
how fast they ran: these machines are shared, and a speed bound would fail on a busy one.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import psutil
import pytest

from bench.harness import sampler
from bench.harness.sampler import Sampler, Tick, summarize

#: A child that says "go" once started, then spins in pure Python (busy) or sleeps (idle) until killed.
BUSY = "print('go', flush=True)\nwhile True: pass"
IDLE = "import time\nprint('go', flush=True)\ntime.sleep(60)"


def ticks(
    times: list[float], per_second: list[float], tree: float = 1.0, ctx: float = 10.0, **fields: int
) -> list[Tick]:
    """Ticks at ``times`` where each core is busy at its fixed rate and the tree burns ``tree`` cores."""
    return [
        Tick(
            t=t,
            core_busy=[rate * t for rate in per_second],
            tree_cpu=tree * t,
            tree_ctx=int(ctx * t),
            tree_threads=fields.get("threads", 1),
            tree_rss=fields.get("rss", 1000) + int(t),
            tree_uss=fields.get("uss", 0),
            server_cpu=0.0,
            harness_cpu=0.0,
        )
        for t in times
    ]


def test_summarize_exact_figures_over_one_window() -> None:
    """Four 1 s intervals, core 0 full, core 1 half, the tree at one core: every figure is exact."""
    figures = summarize(ticks([0, 1, 2, 3, 4], [1.0, 0.5]), [(0.0, 4.0)])
    assert figures["effective_cores"] == pytest.approx(1.0)
    assert figures["per_core_mean"] == [100.0, 50.0]
    assert figures["machine_busy_cores"] == pytest.approx(1.5)
    assert figures["ctx_switches_per_s"] == pytest.approx(10.0)
    assert figures["background_cores"] == pytest.approx(0.5)  # 1.5 busy - 1.0 of the tree
    assert figures["server_cores"] == 0.0
    assert figures["harness_cores"] == 0.0
    assert figures["peak_rss_bytes"] == 1004
    assert figures["peak_threads"] == 1
    assert figures["timeline"] == {"t_s": [1.0, 2.0, 3.0, 4.0], "per_core_pct": [[100, 50]] * 4}


def test_summarize_counts_only_the_measured_windows() -> None:
    """Time between rounds is left out: of 0-1 busy, 1-2 idle (baseline round), 2-3 busy, only 2 s count."""
    busy = ticks([0, 1, 2, 3], [1.0, 0.0])
    # Between t=1 and t=2 (outside the windows) the tree burns nothing and core 0 is idle.
    for tick in busy[2:]:
        tick.tree_cpu -= 1.0
        tick.core_busy[0] -= 1.0
    figures = summarize(busy, [(0.0, 1.0), (2.0, 3.0)])
    assert figures["effective_cores"] == pytest.approx(1.0)
    assert figures["per_core_mean"] == [100.0, 0.0]
    assert figures["timeline"]["t_s"] == [1.0, 2.0]  # measured time, not wall time
    assert figures["timeline"]["per_core_pct"] == [[100, 0], [100, 0]]


def test_summarize_interpolates_between_ticks() -> None:
    """A window that starts and ends between ticks is measured by linear interpolation."""
    figures = summarize(ticks([0, 1, 2, 3], [0.5, 0.25], tree=0.5), [(0.5, 2.5)])
    assert figures["effective_cores"] == pytest.approx(0.5)
    assert figures["per_core_mean"] == [50.0, 25.0]


def test_summarize_thins_the_timeline_to_the_row_limit() -> None:
    """Past ``timeline_rows`` intervals, every n-th is kept, each at its measured time."""
    figures = summarize(ticks([0, 1, 2, 3, 4], [1.0, 0.0]), [(0.0, 4.0)], timeline_rows=2)
    assert figures["timeline"]["t_s"] == [1.0, 3.0]
    assert len(figures["timeline"]["per_core_pct"]) == 2


def test_summarize_has_no_background_figure_below_the_minimum_wall_time() -> None:
    """Under MIN_WALL_S of rounds the 10 ms kernel ticks cannot tell other load apart: None, not a number."""
    short = sampler.MIN_WALL_S / 2
    clock = [0.0, short / 2, short]
    figures = summarize(ticks(clock, [1.0, 1.0]), [(0.0, short)])
    assert figures["background_cores"] is None
    assert figures["effective_cores"] == pytest.approx(1.0)


def test_summarize_keeps_background_within_the_core_count() -> None:
    """Background load is clipped to [0, cores]: never negative when the tree seems to use more than the machine."""
    figures = summarize(ticks([0, 1, 2], [0.5, 0.0], tree=2.0), [(0.0, 2.0)])
    assert figures["background_cores"] == 0.0


def test_summarize_takes_peak_memory_and_ignores_unread_uss() -> None:
    """Peak USS is the largest tick that read it (0 means not read); with none read it is 0."""
    some = ticks([0, 1, 2], [1.0])
    some[1].tree_uss = 500
    assert summarize(some, [(0.0, 2.0)])["peak_uss_bytes"] == 500
    assert summarize(ticks([0, 1, 2], [1.0]), [(0.0, 2.0)])["peak_uss_bytes"] == 0


def test_summarize_clips_core_rates_to_percent() -> None:
    """A core's busy rate over 100% (counter jitter) is shown as 100."""
    figures = summarize(ticks([0, 1], [1.2]), [(0.0, 1.0)])
    assert figures["timeline"]["per_core_pct"] == [[100]]


def test_summarize_sorts_ticks_from_two_threads() -> None:
    """Ticks from the sampler thread and from ``mark`` may arrive out of order: they are sorted first."""
    ordered = summarize(ticks([0, 1, 2, 3], [1.0, 0.5]), [(0.0, 3.0)])
    shuffled = ticks([0, 1, 2, 3], [1.0, 0.5])
    shuffled = [shuffled[2], shuffled[0], shuffled[3], shuffled[1]]
    assert summarize(shuffled, [(0.0, 3.0)]) == ordered


def test_summarize_needs_two_ticks_and_a_window() -> None:
    """Nothing to say without an interval or a round: an empty dict, not an error."""
    assert summarize([], [(0.0, 1.0)]) == {}
    assert summarize(ticks([0], [1.0]), [(0.0, 1.0)]) == {}
    assert summarize(ticks([0, 1], [1.0]), []) == {}


def test_mark_and_stop_add_ticks_in_time_order() -> None:
    """start() and stop() each take a tick and mark() one more, so stop() brackets the last round."""
    watch = Sampler(interval=60.0, tree=lambda: [])
    watch.start()
    watch.mark()
    round_end = time.perf_counter()
    got = watch.stop()
    assert len(got) == 3
    assert [tick.t for tick in got] == sorted(tick.t for tick in got)
    assert got[-1].t >= round_end
    assert len(got[0].core_busy) == psutil.cpu_count()


@pytest.fixture
def child_process(request: pytest.FixtureRequest) -> Iterator[subprocess.Popen[str]]:
    """A Python child running the given code, killed afterwards; started once it has said 'go'."""
    proc = subprocess.Popen([sys.executable, "-c", request.param], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "go\n"
        yield proc
    finally:
        proc.kill()
        proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def watch_for(proc: subprocess.Popen[str], seconds: float) -> dict[str, float]:
    """The sampler's figures for ``proc`` over a ``seconds``-long window, with the kernel's own count beside."""
    target = psutil.Process(proc.pid)
    watch = Sampler(interval=0.05, tree=lambda: [target])
    watch.start()
    watch.mark()
    started, cpu_before = time.perf_counter(), sum(target.cpu_times()[:2])
    time.sleep(seconds)
    cpu_after, ended = sum(target.cpu_times()[:2]), time.perf_counter()
    watch.mark()
    figures = summarize(watch.stop(), [(started, ended)])
    figures["kernel_cores"] = (cpu_after - cpu_before) / (ended - started)
    return figures


@pytest.mark.parametrize("child_process", [BUSY], indirect=True, ids=["busy"])
def test_sampler_sees_a_busy_child_use_one_core(child_process: subprocess.Popen[str]) -> None:
    """A child spinning in pure Python: the sampler's effective cores agree with the kernel's count."""
    figures = watch_for(child_process, 1.0)
    assert figures["effective_cores"] == pytest.approx(figures["kernel_cores"], abs=0.15), figures
    assert figures["peak_rss_bytes"] > 0
    assert figures["timeline"]["per_core_pct"]


@pytest.mark.parametrize("child_process", [IDLE], indirect=True, ids=["idle"])
def test_sampler_sees_a_sleeping_child_use_nothing(child_process: subprocess.Popen[str]) -> None:
    """A sleeping child shows as (almost) no cores and (almost) no context switches, as the kernel says."""
    figures = watch_for(child_process, 0.6)
    assert figures["effective_cores"] == pytest.approx(figures["kernel_cores"], abs=0.05), figures
    assert figures["effective_cores"] < 0.1, figures
    assert figures["ctx_switches_per_s"] < 50


class CountingProcess:
    """Enough of psutil.Process for the sampler's memory reads, counting the costly one."""

    pid = 4242

    def __init__(self) -> None:
        self.rss = 10 * 2**20
        self.full_reads = 0

    def memory_full_info(self) -> object:
        self.full_reads += 1
        return type("Full", (), {"uss": self.rss // 2, "pss": self.rss // 3})()


def test_costly_memory_reads_wait_for_rss_to_move_but_never_at_marks() -> None:
    """PSS/USS (about 1 ms of CPU per process) are read again only once RSS moved, or at a round's edge."""
    proc = CountingProcess()
    watcher = Sampler(0.05, lambda: [])
    first = watcher._memory(proc, proc.rss, exact=False)  # type: ignore[arg-type]
    assert proc.full_reads == 1 and first == (proc.rss // 2, proc.rss // 3)
    watcher._memory(proc, proc.rss + sampler.RSS_STEP // 2, exact=False)  # type: ignore[arg-type]
    assert proc.full_reads == 1  # RSS barely moved: the last figures stand
    watcher._memory(proc, proc.rss, exact=True)  # type: ignore[arg-type]
    assert proc.full_reads == 2  # a mark always reads them
    proc.rss += 4 * sampler.RSS_STEP
    assert watcher._memory(proc, proc.rss, exact=False) == (proc.rss // 2, proc.rss // 3)  # type: ignore[arg-type]
    assert proc.full_reads == 3
