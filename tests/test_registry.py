"""The executors' registry: each executor carries its own needs, and everything that installs or records them reads it.

A new executor is its file and its extra in pyproject.toml: the worker environments, the nox sessions, the
machine facts and the worker's start (gevent's monkey-patching) take what they need from its ``ExecutorInfo``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, executor_param

import workloads
from bench import machine
from bench.harness import environments
from bench.harness.child import Child
from bench.harness.client import run_round
from bench.worker import executors, interpreter
from bench.worker.executors import ExecutorInfo

#: Every Python an executor's needs may differ between (subinterpreters: a backport on 3.12/3.13 only).
VERSIONS = ((3, 11), (3, 12), (3, 13), (3, 14), (3, 15))
#: Modules gevent's monkey-patching replaces: none may be imported before it runs.
PATCHED = ("threading", "socket", "select", "selectors", "ssl", "subprocess", "queue", "asyncio", "concurrent.futures")


def python(code: str, *args: str, flags: tuple[str, ...] = ()) -> str:
    """What ``code`` prints, run by this interpreter in the project's root."""
    done = subprocess.run(
        [sys.executable, *flags, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_executor_info_takes_keywords_only() -> None:
    """Seven facts in a row are not readable: an ExecutorInfo names each of them."""
    with pytest.raises(TypeError):
        ExecutorInfo("plain", "sync", True, "map only", "process", 90, "k")  # type: ignore[misc]


def test_a_name_registered_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="executor 'threads' is registered twice"):
        executors.register(executors.info("threads"), object)


def test_one_module_registers_the_start_method_variants_and_a_lookup_imports_only_it() -> None:
    """processes-fork, -forkserver and -spawn are the processes pool registered three times, found in its module."""
    code = (
        "import json, sys; from bench.worker.executors import info; info(sys.argv[1]); "
        "print(json.dumps(list(sys.modules)))"
    )
    loaded = json.loads(python(code, "processes-spawn"))
    assert sorted(name for name in loaded if name.startswith("bench.worker.executors.")) == [
        "bench.worker.executors._inherited",
        "bench.worker.executors.processes",
    ]
    pool = executors.info("processes")
    for method, rank in (("fork", 21), ("forkserver", 22), ("spawn", 23)):
        variant = executors.info(f"processes-{method}")
        assert variant.facts() == {
            **pool.facts(),
            "summary": f"multiprocessing.Pool, {method} start method; multiprocessing.SimpleQueue",
            "rank": rank,
            "color": variant.color,
            "default": False,
        }


def test_what_a_run_saves_of_an_executor_is_unchanged() -> None:
    facts = executors.info("threads").facts()
    assert list(facts) == ["style", "parallel_cpu", "summary", "unit", "rank", "color", "default", "offers"]
    assert {key: facts[key] for key in ("style", "parallel_cpu", "unit", "rank", "color", "default")} == {
        "style": "sync",
        "parallel_cpu": False,
        "unit": "thread",
        "rank": 10,
        "color": "tab:blue",
        "default": True,
    }


def test_each_executor_names_distributions_its_extra_or_the_projects_dependencies_declare() -> None:
    """What an executor says it needs is declared in pyproject.toml: in its extra, or in the project's dependencies."""
    dependencies, extras = environments.declared()
    for name, info in executors.registry().items():
        declared = [*dependencies, *(extras[info.extra] if info.extra else [])]
        names = {environments.canonical(environments.requirement_name(requirement)) for requirement in declared}
        assert {environments.canonical(distribution) for distribution in info.distributions} <= names, name
        needed = {module for version in VERSIONS for module in executors.requirements(name, version)}
        assert needed <= set(info.distributions.values()), f"{name}: a module no distribution of it provides"


def test_the_models_every_environment_gets_are_the_executors_say_so() -> None:
    """dask's extra is large and slow to start: its own sessions; uvloop and the backport go everywhere."""
    assert executors.extras_everywhere() == {"uvloop", "interpreters"}
    assert executors.info("dask").install == "pip install 'concurrency-bench[distributed]'"


def test_the_interpreter_facts_record_what_the_executors_without_an_extra_load() -> None:
    """interpreter.py runs alone (python -c), so its list is written out: it must be the registry's."""
    without_extra = {name for info in executors.registry().values() if not info.extra for name in info.recorded}
    assert set(interpreter.PACKAGES) == without_extra


def test_machine_facts_record_the_harness_and_every_executors_packages() -> None:
    """The saved keys of machine_info["bench"]["packages"] are the same as before the registry said them."""
    assert set(machine.KEY_PACKAGES) == {
        *("pytest", "pytest-benchmark", "psutil", "gevent", "greenlet", "aiohttp", "pandas", "matplotlib"),
        *("uvloop", "backports-interpreters", "distributed", "dask"),
    }
    for info in executors.registry().values():
        assert set(info.recorded) <= set(machine.KEY_PACKAGES)


def test_an_installed_copy_reads_its_requirements_from_its_metadata(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """No pyproject.toml beside the code (a wheel): the metadata's extras come back as pyproject.toml writes them."""
    installed = [
        "psutil>=5.9",
        'gevent>=24.2; implementation_name == "cpython"',
        "aiohttp>=3.9",
        'uvloop>=0.19; (sys_platform != "win32" and implementation_name == "cpython") and extra == "uvloop"',
        'distributed>=2024.1; extra == "distributed"',
    ]
    monkeypatch.setattr(environments.metadata, "requires", lambda name: installed)
    dependencies, extras = environments.declared(tmp_path)
    assert dependencies == ["psutil>=5.9", "gevent>=24.2; implementation_name == 'cpython'", "aiohttp>=3.9"]
    assert extras == {
        "uvloop": ["uvloop>=0.19; sys_platform != 'win32' and implementation_name == 'cpython'"],
        "distributed": ["distributed>=2024.1"],
    }
    assert extras["uvloop"] == environments.declared()[1]["uvloop"]
    assert environments.worker_requirements(tmp_path) == (*dependencies[1:], *extras["uvloop"])


FAKE_NOX = """\
import tomllib
from pathlib import Path
from types import SimpleNamespace

options = SimpleNamespace()
project = SimpleNamespace(
    load_toml=lambda path: tomllib.loads(Path(path).read_text()),
    python_versions=lambda pyproject: ["3.11", "3.12", "3.13"],
)
Session = object


def session(function=None, **kwargs):
    return function if function is not None else (lambda function: function)
"""


def test_the_noxfile_reads_its_models_from_the_registry_with_the_standard_library_alone(tmp_path: Path) -> None:
    """nox's own interpreter lacks the project's dependencies: ``python -S`` (no site-packages) still reads them."""
    (tmp_path / "nox.py").write_text(FAKE_NOX)
    code = (
        "import json, runpy, sys; sys.path[:0] = [sys.argv[1], '.']; models = runpy.run_path('noxfile.py')['MODELS']; "
        "outside = sorted({m.split('.')[0] for m in sys.modules if m[:2] != '__'} - set(sys.stdlib_module_names)); "
        "print(json.dumps([models, outside]))"
    )
    models, outside = json.loads(python(code, str(tmp_path), flags=("-S",)))
    assert models == "uvloop,interpreters"
    assert outside == ["bench", "nox", "workloads"]


def test_reading_an_executors_hook_imports_nothing_the_hook_patches() -> None:
    """The worker reads gevent's hook from its ExecutorInfo before anything gevent patches is imported."""
    code = (
        "import json, sys; before = set(sys.modules); from bench.worker.executors import info; "
        "hook = info('gevent').before_imports; print(json.dumps([hook, sorted(set(sys.modules) - before)]))"
    )
    hook, loaded = json.loads(python(code))
    assert hook == "gevent.monkey:patch_all"
    assert not set(loaded) & set(PATCHED)


#: A worker (``python -m bench.worker CONFIG``) whose workload reports whether gevent patched what it patches.
PATCH_CHECKING_WORKER = r"""
import runpy, sys
from workloads import Outcome, Workload, register

@register
class Patched(Workload):
    name = "patched"
    unit = "rounds/s"

    def run_sync(self, ex):
        from gevent import monkey

        patched = [monkey.is_module_patched(module) for module in ("threading", "socket")]
        return Outcome(value=patched, expected=[True, True], amount=1)

sys.argv = ["bench.worker", *sys.argv[1:]]
runpy.run_module("bench.worker", run_name="__main__", alter_sys=True)
"""


@pytest.mark.parametrize("executor", [executor_param("gevent")])
def test_a_gevent_worker_runs_its_hook_first(executor: str, process_tag: str) -> None:
    config = {"workload": "patched", "executor": executor, "workers": 1, "params": {}, "context": {}}
    child = Child([sys.executable, "-c", PATCH_CHECKING_WORKER, json.dumps(config)], "a gevent worker")
    try:
        assert child.receive(30)["event"] == "ready"
        assert run_round(child, 30)["verified"] is True
    finally:
        child.stop(polite=None)
    assert "patched" not in workloads.load_all()  # registered in the worker only
