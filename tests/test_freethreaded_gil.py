"""The GIL as it really was: the module whose import turned it back on, from the worker's warning to the report.

These run on any interpreter: where no free-threaded build is at hand, the warning CPython gives is emitted by
the test itself (``warnings.warn`` with CPython's own text, Python/import.c of 3.13), so what is checked is the
path that text takes: the worker's watch, its messages, the saved case, the unstable reason and the report's
words. tests/test_freethreaded_real.py sees a real extension do it on a real free-threaded build.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

from conftest import BRIEF, run_bench, saved_run

from bench.analysis import side_by_side
from bench.harness.figures import unstable_reasons
from bench.harness.interpreters import Interpreter
from bench.harness.run import gil_state
from bench.worker import gil_watch

#: CPython 3.13's warning, word for word, with the module's name left open.
GIL_TEXT = (
    "The global interpreter lock (GIL) has been enabled to load module '{}', which has not declared that it can "
    "run safely without the GIL. To override this behavior and keep the GIL disabled (at your own risk), run with "
    "PYTHON_GIL=0 or -Xgil=0."
)


def test_the_watch_names_each_module_once_and_shows_every_other_warning() -> None:
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        with gil_watch.watching() as named:
            warnings.warn(GIL_TEXT.format("greenlet._greenlet"), RuntimeWarning, stacklevel=1)
            warnings.warn(GIL_TEXT.format("greenlet._greenlet"), RuntimeWarning, stacklevel=1)
            warnings.warn(GIL_TEXT.format("other._ext"), RuntimeWarning, stacklevel=1)
            warnings.warn("a user's own warning", UserWarning, stacklevel=1)
            warnings.warn(GIL_TEXT.format("not.a.runtime.warning"), UserWarning, stacklevel=1)
    assert named == ["greenlet._greenlet", "other._ext"]
    assert [str(w.message) for w in shown] == ["a user's own warning", GIL_TEXT.format("not.a.runtime.warning")]
    assert gil_watch.report(named) == {"gil_enabled_by": named} and gil_watch.report([]) == {}


def test_an_error_filter_does_not_turn_the_gil_warning_into_a_failed_import() -> None:
    """A worker run with -W error would otherwise fail the import that turned the GIL on: it is recorded."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with gil_watch.watching() as named:
            warnings.warn(GIL_TEXT.format("ext"), RuntimeWarning, stacklevel=1)
        assert named == ["ext"]
        assert warnings.showwarning is warnings._showwarning_orig  # type: ignore[attr-defined]  # restored


def free_threaded_python(label: str, env: dict[str, str]) -> Interpreter:
    facts = {"version": "3.13.5", "version_info": [3, 13], "free_threaded_build": True, "found": {}}
    return Interpreter(label, "3.13t", "/x/python3.13t", "/x/python3.13t", facts, env)


def test_the_saved_gil_state_names_the_modules_first_named_first() -> None:
    nogil = free_threaded_python("3.13t-nogil", {"PYTHON_GIL": ""})
    ready = {"gil_enabled": True, "gil_enabled_by": ["a._ext"]}
    rounds = [{"gil_enabled": True, "gil_enabled_by": ["a._ext", "b._ext"]}, {"gil_enabled": True}]
    state = gil_state(ready, rounds, nogil)
    assert state == {"gil_enabled": True, "gil_expected": False, "gil_enabled_by": ["a._ext", "b._ext"]}
    assert gil_state({"gil_enabled": False}, [{"gil_enabled": False}], nogil) == {
        "gil_enabled": False,
        "gil_expected": False,
    }
    forced = free_threaded_python("3.13t-gil", {"PYTHON_GIL": "1"})
    assert gil_state({"gil_enabled": True}, [], forced) == {"gil_enabled": True, "gil_expected": True}


def test_the_unstable_reason_and_the_report_name_the_module() -> None:
    extra = {"gil_enabled": True, "gil_expected": False, "gil_enabled_by": ["greenlet._greenlet"]}
    assert unstable_reasons(extra) == [
        "the GIL came back on at run time (importing greenlet._greenlet turned it on): not a free-threaded result"
    ]
    unnamed = {"gil_enabled": True, "gil_expected": False}
    assert unstable_reasons(unnamed) == [
        "the GIL came back on at run time (importing an extension module turned it on): not a free-threaded result"
    ]
    run: dict[str, Any] = {"benchmarks": [{"name": "cpu-threads-w2-3.13t-nogil", "extra_info": extra}]}
    assert side_by_side.gil_came_back(run) == [
        "cpu-threads-w2-3.13t-nogil: the GIL was on at run time (importing greenlet._greenlet turned it on)"
    ]


def test_a_worker_says_which_import_warned_and_the_run_saves_it(tmp_path: Path) -> None:
    """Through a real worker of this interpreter: a user's module emits the warning when imported; the run saves
    the module's name with the case (here the GIL was expected on, so nothing is marked unstable)."""
    module = tmp_path / "warns.py"
    module.write_text(
        "import warnings\n"
        f"warnings.warn({GIL_TEXT.format('fake._ext')!r}, RuntimeWarning, stacklevel=1)\n"
        "def count(i):\n    return i * 2\n"
    )
    results = tmp_path / "r"
    done = run_bench(
        "run", "--workloads", f"{module}:count", "--tasks", "4", "--executors", "sequential,threads",
        "--workers", "1", *BRIEF, "--results", str(results), "--no-report",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    run = json.loads(saved_run(results).read_text())
    assert {b["params"]["executor"] for b in run["benchmarks"]} == {"sequential", "threads"}
    for entry in run["benchmarks"]:
        extra = entry["extra_info"]
        assert extra["gil_enabled_by"] == ["fake._ext"]
        assert extra["gil_enabled"] is extra["gil_expected"] is True
        assert not any("GIL" in reason for reason in extra["unstable"])
