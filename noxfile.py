"""Sessions: bench (measure), report, compare, selfcheck, tests, lint.

``nox -s bench`` makes an environment with the harness and its dependencies and
runs ``python -m bench run`` in it; everything after ``--`` is passed on, e.g.
``nox -s bench -- --quick`` or ``nox -s bench -- --workloads cpu --workers 1,2``.
``bench-3.12`` / ``bench-3.13`` do the same under another interpreter (pyenv's,
found through ``.python-version``), so runs of different Pythons can be compared.
``nox -s bench -- --python 3.11,3.13`` drives both interpreters side by side in one
run (the honest way to compare them on a drifting machine): the harness makes each
interpreter's worker environment, here under ``.nox/worker-envs``.
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

PYPROJECT = nox.project.load_toml("pyproject.toml")
PYTHONS = nox.project.python_versions(PYPROJECT)

nox.options.default_venv_backend = "uv|virtualenv"  # uv when it is installed next to nox: ~6x faster
nox.options.sessions = ["tests", "lint"]
nox.options.reuse_venv = "yes"
os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")  # no downloads here: a missing Python fails fast


def _install(session: nox.Session, *extra: str) -> None:
    session.install("-e", ".", *extra)


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


@nox.session
def report(session: nox.Session) -> None:
    """Write the PNG report of a saved run (default: the newest)."""
    _install(session)
    session.run("python", "-m", "bench", "report", *session.posargs)


@nox.session
def compare(session: nox.Session) -> None:
    """Compare two or more saved runs, with significance (ids like 0002, or paths)."""
    _install(session)
    session.run("python", "-m", "bench", "compare", *session.posargs)


@nox.session
def selfcheck(session: nox.Session) -> None:
    """Benchmark the harness itself: round-trip and sampler overhead, server headroom."""
    _install(session)
    session.run("python", "-m", "bench", "selfcheck", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """The harness's own tests: fast, tiny sizes, one end-to-end quick run."""
    _install(session)
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint and format check), mypy on bench/, and the import walls between processes (import-linter)."""
    # Pinned: another release formats or types differently, and CI must not change under us.
    _install(session, "ruff==0.17.6", "mypy==2.4.1", "pandas-stubs", "types-psutil", "import-linter==2.16")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")
    session.run("lint-imports")
