"""Sessions: bench (measure), report, compare, selfcheck, tests, lint, docs.

``nox -s bench`` makes an environment with the harness and its dependencies and
runs ``python -m bench run`` in it; everything after ``--`` is passed on, e.g.
``nox -s bench -- --quick`` or ``nox -s bench -- --workloads cpu --workers 1,2``.
``bench-3.12`` / ``bench-3.13`` do the same under another interpreter (pyenv's,
found through ``.python-version``), so runs of different Pythons can be compared.
``nox -s bench -- --python 3.11,3.13`` drives both interpreters side by side in one
run (the honest way to compare them on a drifting machine): the harness makes each
interpreter's worker environment, here under ``.nox/worker-envs``.
``bench-distributed`` adds dask (the ``distributed`` extra) and measures it.

``nox -s free-threaded`` provides a free-threaded CPython for ``--python``: one
found here, or 3.13.5t built once into a cache (``python -m bench free-threaded``;
a few minutes, the first time only).

``nox -s tests`` runs the fast suite; run whole (no arguments), it then runs the
dask tests in their own environment (``tests-distributed``), the
subinterpreter tests under each Python 3.12+ installed here
(``tests-subinterpreters-3.12``/``-3.13``) and the tests on a real free-threaded
CPython (``tests-free-threaded``, which provides it as users do), so CI's
``nox -s tests lint docs`` covers them.
``nox -s docs`` builds the documentation site (MkDocs, strictly) under ``site/``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nox

PYPROJECT = nox.project.load_toml("pyproject.toml")
PYTHONS = nox.project.python_versions(PYPROJECT)

nox.options.default_venv_backend = "uv|virtualenv"  # uv when it is installed next to nox: ~6x faster
nox.options.sessions = ["tests", "lint"]
nox.options.reuse_venv = "yes"
os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")  # no downloads here: a missing Python fails fast


def _models() -> str:
    """The extras every measuring and testing environment gets, in pyproject.toml's order.

    Which extras those are is each executor's fact (``ExecutorInfo.extra_everywhere``: the optional models
    that install as wheels, each limited by its markers to where it runs; not dask's ``distributed``, bigger
    and slow to start: its own sessions), so it is read from the executors' registry in this checkout rather
    than from a list here. The registry's modules import only the standard library at module level (the
    worker's rule), so nox's own interpreter reads it without the project's dependencies
    (tests/test_registry.py checks it under ``python -S``).
    """
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench.worker.executors import extras_everywhere

    wanted = extras_everywhere()
    return ",".join(extra for extra in PYPROJECT["project"]["optional-dependencies"] if extra in wanted)


MODELS = _models()
SUBINTERPRETER_PYTHONS = [version for version in PYTHONS if tuple(map(int, version.split("."))) >= (3, 12)]


def _install(session: nox.Session, *extra: str, extras: str = MODELS) -> None:
    session.install("-e", f".[{extras}]" if extras else ".", *extra)


def _installed(version: str) -> bool:
    """Whether ``python<version>`` runs here (a pyenv shim exists even for a version that is not installed)."""
    found = shutil.which(f"python{version}")
    return found is not None and subprocess.run([found, "-c", ""], capture_output=True, check=False).returncode == 0


def _interpreter_facts(session: nox.Session) -> None:
    """Print what the run will be measured on before it starts (version, GIL, cores)."""
    facts = "from bench import machine; print('Measuring on:', machine.describe(machine.collect()))"
    session.run("python", "-c", facts)


def _python_option(posargs: list[str]) -> list[str]:
    """With --python, keep the interpreters' worker environments beside nox's own (unless told where)."""
    given = any(arg == "--python" or arg.startswith("--python=") for arg in posargs)
    placed = any(arg.startswith("--python-envs") for arg in posargs)
    return ["--python-envs", str(Path(".nox") / "worker-envs")] if given and not placed else []


@nox.session
def bench(session: nox.Session) -> None:
    """Run the whole matrix and save it under results/, then write its report (long: minutes)."""
    extra = _python_option(session.posargs)
    _install(session, *(["uv"] if extra else []))  # uv makes the --python environments in seconds
    _interpreter_facts(session)
    session.run("python", "-m", "bench", "run", *session.posargs, *extra)


@nox.session(name="bench-py", python=PYTHONS)
def bench_py(session: nox.Session) -> None:
    """The bench session under each Python of pyproject.toml (those installed here)."""
    bench(session)


#: bench-distributed's choices where its arguments make none: dask against sequential and the two process pools,
#: and a pipeline small enough for dask, whose every item goes through its scheduler (about 2 ms a put or get here).
DASK_DEFAULTS = {"--executors": "sequential,processes,futures-processes,dask", "--pipeline-items": "2000"}


def _given(args: list[str], option: str) -> bool:
    return any(arg == option or arg.startswith(option + "=") for arg in args)


@nox.session(name="bench-distributed")
def bench_distributed(session: nox.Session) -> None:
    """bench with dask installed (the distributed extra): by default dask against the process pools (minutes)."""
    _install(session, extras=f"{MODELS},distributed")
    _interpreter_facts(session)
    args = list(session.posargs)
    chosen = [part for option, value in DASK_DEFAULTS.items() if not _given(args, option) for part in (option, value)]
    session.run("python", "-m", "bench", "run", *chosen, *args)


def _command(session: nox.Session, command: str) -> None:
    """``python -m bench COMMAND`` with the session's arguments, in an environment with the models."""
    _install(session)
    session.run("python", "-m", "bench", command, *session.posargs)


@nox.session
def report(session: nox.Session) -> None:
    """Write the PNG report of a saved run (default: the newest)."""
    _command(session, "report")


@nox.session
def compare(session: nox.Session) -> None:
    """Compare two or more saved runs, with significance (ids like 0002, or paths)."""
    _command(session, "compare")


@nox.session
def selfcheck(session: nox.Session) -> None:
    """Benchmark the harness itself: round-trip and sampler overhead, server headroom."""
    _command(session, "selfcheck")


@nox.session
def tests(session: nox.Session) -> None:
    """The harness's own tests: fast, tiny sizes, one end-to-end quick run (then dask's and 3.12+'s, when run whole)."""
    _install(session, extras=f"{MODELS},test")
    # One pytest process per logical core, a test file each (its module fixtures made once): the suite mostly
    # starts processes and waits on them (3.5 min on 2 cores). -n 0: one process.
    session.run(
        "python",
        "-m",
        "pytest",
        "-n",
        "logical",
        "--dist",
        "loadfile",
        "-m",
        "not distributed and not freethreaded",
        *session.posargs,
    )
    if not session.posargs:
        session.notify("tests-distributed")
        session.notify("tests-free-threaded")
        for version in SUBINTERPRETER_PYTHONS:
            if _installed(version):
                session.notify(f"tests-subinterpreters-{version}")
            else:
                session.warn(f"Python {version} is not installed here: its subinterpreter tests do not run")


@nox.session(name="tests-distributed")
def tests_distributed(session: nox.Session) -> None:
    """The dask executor's tests, on LocalClusters (the distributed extra; ~30 s, most of it dask starting)."""
    _install(session, extras="distributed")
    session.run("python", "-m", "pytest", "-m", "distributed", *session.posargs)


@nox.session(name="tests-subinterpreters", python=SUBINTERPRETER_PYTHONS)
def tests_subinterpreters(session: nox.Session) -> None:
    """The subinterpreter tests under a Python whose interpreters have their own GIL (3.12+)."""
    _install(session, extras="interpreters")
    session.run("python", "-m", "pytest", "-m", "subinterpreters", *session.posargs)


@nox.session(name="free-threaded")
def free_threaded(session: nox.Session) -> None:
    """A free-threaded CPython for --python: found here, or 3.13.5t built once into the cache (minutes, once)."""
    _command(session, "free-threaded")


@nox.session(name="tests-free-threaded")
def tests_free_threaded(session: nox.Session) -> None:
    """The tests on a real free-threaded CPython: provided first as users get one (built once: minutes), with its
    worker environment, so the tests need no network."""
    _install(session, extras=f"{MODELS},test")
    session.run("python", "-m", "bench", "free-threaded", "--environment")
    session.run("python", "-m", "pytest", "-m", "freethreaded", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site into site/, strictly (a broken link or a missing page fails), then its tests."""
    _install(session, extras="docs,test")
    session.env["NO_MKDOCS_2_WARNING"] = "1"  # MkDocs 2's notice, printed by every build (mkdocs.yml says why 1.6)
    session.run("mkdocs", "build", "--strict", *session.posargs)
    session.run("python", "-m", "pytest", "tests/test_docs.py")  # test_readme.py runs in the tests session


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint and format check), mypy on bench/, and the import walls between processes (import-linter)."""
    # Pinned: another release formats or types differently, and CI must not change under us.
    _install(session, "ruff==0.17.6", "mypy==2.4.1", "pandas-stubs", "types-psutil", "import-linter==2.16")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")
    session.run("lint-imports")
