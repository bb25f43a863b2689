"""bench.machine: machine and interpreter facts, recorded rather than assumed; bench.machine_line names them."""

from __future__ import annotations

import multiprocessing
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from bench import FORMAT_VERSION, __version__, machine, machine_line

#: The keys DESIGN.md promises in machine_info["bench"] (decision 5) and what results need to be read back.
DOCUMENTED_KEYS = {
    "harness_version",
    "format_version",
    "logical_cores",
    "physical_cores",
    "affinity_cores",
    "cgroup_cpu_limit",
    "usable_cores",
    "cpu_model",
    "python_version",
    "python_implementation",
    "free_threaded_build",
    "gil_enabled",
    "mp_start_method",
    "packages",
}


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.mark.parametrize(
    ("cpu_max", "limit"),
    [("max 100000\n", None), ("150000 100000\n", 1.5), ("50000 100000", 0.5), ("400000 100000\n", 4.0)],
)
def test_cgroup_v2_quota(tmp_path: Path, cpu_max: str, limit: float | None) -> None:
    """cgroup v2 ``cpu.max``: 'max' is no limit, otherwise quota / period CPUs."""
    write(tmp_path / "cpu.max", cpu_max)
    assert machine.cgroup_cpu_limit(tmp_path) == limit


@pytest.mark.parametrize(
    ("quota", "period", "limit"), [("-1\n", "100000\n", None), ("200000\n", "100000\n", 2.0), ("25000", "100000", 0.25)]
)
def test_cgroup_v1_quota(tmp_path: Path, quota: str, period: str, limit: float | None) -> None:
    """cgroup v1 ``cpu/cpu.cfs_quota_us`` over ``cpu.cfs_period_us``; -1 is no limit."""
    write(tmp_path / "cpu" / "cpu.cfs_quota_us", quota)
    write(tmp_path / "cpu" / "cpu.cfs_period_us", period)
    assert machine.cgroup_cpu_limit(tmp_path) == limit


def test_cgroup_without_files_or_with_garbage_is_no_limit(tmp_path: Path) -> None:
    """No cgroup files, or unreadable ones, mean no known limit (not a crash)."""
    assert machine.cgroup_cpu_limit(tmp_path) is None
    write(tmp_path / "cpu.max", "nonsense\n")
    assert machine.cgroup_cpu_limit(tmp_path) is None
    write(tmp_path / "cpu" / "cpu.cfs_quota_us", "lots")
    write(tmp_path / "cpu" / "cpu.cfs_period_us", "100000")
    assert machine.cgroup_cpu_limit(tmp_path) is None


def test_usable_cores_is_at_least_one_and_at_most_the_affinity() -> None:
    """Usable cores never exceed what the process may run on, and never fall below 1."""
    usable = machine.usable_cores()
    assert 1 <= usable <= machine.affinity_cores()


def test_usable_cores_follows_a_cgroup_quota(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fractional quota rounds up; a tiny one still leaves one core."""
    monkeypatch.setattr(machine, "affinity_cores", lambda: 8)
    monkeypatch.setattr(machine, "cgroup_cpu_limit", lambda: 1.5)
    assert machine.usable_cores() == 2
    monkeypatch.setattr(machine, "cgroup_cpu_limit", lambda: 0.1)
    assert machine.usable_cores() == 1
    monkeypatch.setattr(machine, "cgroup_cpu_limit", lambda: None)
    assert machine.usable_cores() == 8


def test_gil_label_matches_the_interpreter() -> None:
    """'gil' or 'nogil', agreeing with sys._is_gil_enabled() where it exists (always 'gil' before 3.13)."""
    is_enabled = getattr(sys, "_is_gil_enabled", None)
    expected = "gil" if is_enabled is None or is_enabled() else "nogil"
    assert machine.gil_label() == expected
    assert machine.gil_enabled() is (expected == "gil")


def test_collect_has_the_documented_keys() -> None:
    """collect() records every documented fact, with this interpreter's values."""
    info = machine.collect()
    assert set(info) >= DOCUMENTED_KEYS
    expected = {
        "harness_version": __version__,
        "format_version": FORMAT_VERSION,
        "python_version": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "mp_start_method": multiprocessing.get_start_method(),
    }
    assert {key: info[key] for key in expected} == expected
    assert info["gil_enabled"] is machine.gil_enabled()
    assert info["logical_cores"] >= 1
    assert 1 <= info["usable_cores"] <= info["affinity_cores"]
    assert isinstance(info["cpu_model"], str) and info["cpu_model"]
    assert set(machine.KEY_PACKAGES) == set(info["packages"])
    assert info["packages"]["psutil"] != "not installed"


def test_describe_names_python_and_cores() -> None:
    """The one-line description names the implementation, the Python version, the GIL state and the cores."""
    info = machine.collect()
    line = machine_line.describe(info)
    assert platform.python_version() in line
    assert platform.python_implementation() in line
    assert f"{info['usable_cores']} usable of {info['logical_cores']} logical cores" in line
    assert "GIL on" in line or "GIL off" in line
    assert "GIL off" in machine_line.describe({**info, "gil_enabled": False})
    assert machine.describe is machine_line.describe  # the harness's name for it


def test_describe_tolerates_missing_facts() -> None:
    """An old or foreign file with facts missing still gets a line, with '?' for the unknown."""
    assert "?" in machine_line.describe({})


def test_the_line_naming_a_machine_needs_neither_psutil_nor_the_worker() -> None:
    """The analysis describes runs made elsewhere: importing the line loads no psutil and no worker code."""
    code = "import sys, bench.machine_line; print([m for m in sys.modules if m == 'psutil' or m.startswith('bench.w')])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"
