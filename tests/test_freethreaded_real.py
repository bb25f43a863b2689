"""The free-threaded path on a real free-threaded CPython, end to end: no simulation, no timing asserted.

The interpreter is the one ``bench.harness.freethreaded`` finds (PATH, pyenv, uv, the cache); these tests skip,
saying why, where there is none, or where its worker environment has not been made (making it needs the
network: ``python -m bench free-threaded --environment`` makes both, and ``nox -s tests-free-threaded`` runs it
before these tests). Marked ``freethreaded``: the main test session leaves them out.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import BRIEF, ROOT, run_bench, saved_run

from bench.harness import environments, freethreaded, interpreters

pytestmark = [pytest.mark.freethreaded, pytest.mark.slow]

HOW = "python -m bench free-threaded --environment (nox -s tests-free-threaded runs it)"


@pytest.fixture(scope="module")
def free() -> freethreaded.Found:
    """The free-threaded interpreter found here, with its worker environment made; skips where either is not."""
    found = freethreaded.free_threaded()
    if not found:
        pytest.skip(f"no free-threaded CPython here: {HOW} provides one")
    chosen = found[0]
    facts = interpreters.probe(chosen.path, [])
    assert facts is not None, f"{chosen.path} found, but it does not answer the probe"
    base = Path(facts["executable"])
    folder = environments.folder_for(
        environments.default_root().absolute(), base, facts, interpreters.requirements_for(facts)
    )
    if not (folder / environments.STAMP).exists():
        pytest.skip(f"the worker environment of {chosen.path} is not made yet ({folder}): {HOW}")
    return chosen


def test_the_command_finds_it_at_once(free: freethreaded.Found) -> None:
    done = run_bench("free-threaded", "--path", timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(free.path)


def saved(results: Path) -> dict[str, Any]:
    return dict(json.loads(saved_run(results).read_text()))


def test_a_run_beside_this_interpreter_verifies_every_case_and_records_the_gil(
    free: freethreaded.Found, tmp_path: Path
) -> None:
    """This harness's interpreter (a GIL build) beside the free-threaded one: both twins, gevent skipped there for
    its real reason, the GIL state saved per case, and the verdict's paragraph across builds."""
    results = tmp_path / "r"
    done = run_bench(
        "run", "--python", f"{sys.executable},{free.path}", "--workloads", "cpu,locks",
        "--executors", "sequential,threads,gevent", "--workers", "1,2", "--cpu-n", "200000",
        "--locks-increments", "2000", *BRIEF, "--results", str(results), "--no-report",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    run = saved(results)
    bench_run = run["machine_info"]["bench_run"]
    own = f"{sys.version_info.major}.{sys.version_info.minor}"
    nogil, gil = f"{free.label}-nogil", f"{free.label}-gil"
    assert [python["label"] for python in bench_run["pythons"]] == [own, nogil, gil]
    assert bench_run["failed"] == [] and all(entry["extra_info"]["verified"] for entry in run["benchmarks"])
    measured = {(entry["params"]["executor"], entry["params"]["python"]) for entry in run["benchmarks"]}
    assert measured == {(e, p) for e in ("sequential", "threads") for p in (own, nogil, gil)} | {("gevent", own)}
    skipped = [s for s in bench_run["skipped"] if s["params"]["executor"] == "gevent"]
    assert {s["params"]["python"] for s in skipped} == {nogil, gil}
    assert all("gevent publishes no free-threaded build" in s["reason"] for s in skipped)
    for entry in run["benchmarks"]:
        extra, label = entry["extra_info"], entry["params"]["python"]
        assert extra["gil_enabled"] is extra["gil_expected"] is (label != nogil), entry["name"]
        assert "gil_enabled_by" not in extra  # nothing a worker imports here turns the GIL back on
    assert f"cpu, {own} against {nogil}:" in done.stdout and f"locks, {own} against {nogil}:" in done.stdout


def test_an_undeclared_extension_turns_the_gil_back_on_and_is_named(free: freethreaded.Found, tmp_path: Path) -> None:
    """A real extension that declares no free-threaded support (CPython's own ``_testsinglephase``, loaded under a
    name whose init declares nothing: tests/gil_back.py) turns the GIL on in the -nogil twin, and is named."""
    check = [str(free.path), "-c", "import _testsinglephase"]
    if subprocess.run(check, capture_output=True, check=False).returncode != 0:
        pytest.skip(f"{free.path} was built without CPython's test modules (--disable-test-modules)")
    results = tmp_path / "r"
    done = run_bench(
        "run", "--python", str(free.path), "--workloads", f"{ROOT / 'tests' / 'gil_back.py'}:count",
        "--tasks", "4", "--executors", "sequential,threads", "--workers", "1,2", *BRIEF,
        "--results", str(results), "--no-report",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    module = "_testsinglephase_check_cache_first"
    for entry in saved(results)["benchmarks"]:
        extra = entry["extra_info"]
        if entry["params"]["python"].endswith("-nogil"):
            assert (extra["gil_enabled"], extra["gil_expected"], extra["gil_enabled_by"]) == (True, False, [module])
            assert (
                f"the GIL came back on at run time (importing {module} turned it on): not a free-threaded result"
                in extra["unstable"]
            )
        else:  # PYTHON_GIL=1: on from the start, so no import turned it on
            assert extra["gil_enabled"] is extra["gil_expected"] is True and "gil_enabled_by" not in extra
    assert f"the GIL was on at run time (importing {module} turned it on)" in done.stdout
