"""``--python LIST``: the interpreters one run drives side by side, found, checked and described before anything runs.

A version (``3.13``, ``3.14t``, ``3.13.5t``) is looked for where
``freethreaded.places`` says a Python may be (one list for the whole harness):
``python3.13`` on PATH first, as nox finds it, then pyenv's
``$PYENV_ROOT/versions/3.13.*`` (newest patch release first), uv's Pythons, and,
for the pinned free-threaded version, the cache ``python -m bench free-threaded``
builds into; anything with a slash is a path to an interpreter. Each is asked about
itself (``bench/worker/interpreter.py`` run with ``-c``): version,
implementation, GIL state, free-threaded build, and whether it can already import
this harness's worker code and the worker packages. One that can is used as
given (the harness's own environment, a venv you point at); any other gets a
cached environment (``environments``). A free-threaded interpreter runs twice:
as its users get it, labelled ``-nogil`` (PYTHON_GIL unset: the GIL is off unless
an imported extension turns it back on, which the worker reports, naming the
module; PYTHON_GIL=0 would keep it off by force and hide that), and with
``PYTHON_GIL=1``, labelled ``-gil``.
A missing interpreter, or one whose environment cannot be made, is a UserError:
one line, before anything is measured.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..worker.executors import registry, requirements
from . import environments, freethreaded

PROBE_TIMEOUT_S = 60.0
VERSION = re.compile(r"^(\d+)\.(\d+)(\.\d+)?(t?)$")
#: Modules that tell whether an interpreter runs this harness's worker code.
CODE_MODULES = ("bench", "workloads")
#: A free-threaded build's two runs. An empty PYTHON_GIL counts as unset (CPython reads its PYTHON* variables so),
#: and overrides one the harness's own environment may hold: the build's default, as its users run it.
GIL_VARIANTS = (("-nogil", {"PYTHON_GIL": ""}), ("-gil", {"PYTHON_GIL": "1"}))
OLDEST = (3, 11)  # pyproject's requires-python: the worker code uses what 3.11 brought


def probe_source() -> str:
    return (Path(__file__).resolve().parents[1] / "worker" / "interpreter.py").read_text()


def probe(command: Path | str, modules: list[str], env: Mapping[str, str] | None = None) -> dict[str, Any] | None:
    """What ``command`` says about itself (with ``env`` added to its environment), or None if it cannot say."""
    try:
        done = subprocess.run(
            [str(command), "-c", probe_source(), *modules],
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT_S,
            check=False,
            env={**os.environ, **(env or {})},
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    try:
        facts = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None
    return facts if isinstance(facts, dict) else None


def expects_gil(free_threaded: bool, env: Mapping[str, str]) -> bool:
    """Whether a worker's GIL should be on: always on a GIL build, on a free-threaded one with PYTHON_GIL=1 only."""
    return not free_threaded or env.get("PYTHON_GIL") == "1"


#: The Pythons an executor's needs may differ between (subinterpreters: a backport on 3.12/3.13, stdlib from 3.14).
VERSIONS_ASKED = ((3, 11), (3, 12), (3, 13), (3, 14), (3, 15))


def worker_modules() -> list[str]:
    """The modules some executor needs under some Python (gevent, aiohttp, ...): what each interpreter is asked."""
    return sorted(
        {module for name in registry() for version in VERSIONS_ASKED for module in requirements(name, version)}
    )


def requirements_for(facts: Mapping[str, Any]) -> tuple[str, ...]:
    """The worker requirements this interpreter can take: those whose markers hold for it, and none of an
    executor it cannot run (gevent on a free-threaded build)."""
    unsupported = (
        {module for info in registry().values() if not info.free_threaded for module in info.requires}
        if facts.get("free_threaded_build")
        else set()
    )
    return tuple(
        requirement
        for requirement in environments.WORKER_REQUIREMENTS
        if environments.applies(requirement, facts) and environments.module_of(requirement) not in unsupported
    )


@dataclass(frozen=True)
class Interpreter:
    """One interpreter of the run, as its workers run: label, command, extra environment, and its own facts."""

    label: str
    spec: str  # as given to --python
    base: str  # the interpreter found
    command: str  # what starts its workers: the interpreter itself, or its environment's python
    facts: dict[str, Any]  # from the interpreter itself, with ``env`` set
    env: dict[str, str] = field(default_factory=dict)  # added to its workers' environment (PYTHON_GIL)
    environment: str | None = None  # the environment made for it, or None when used as given

    @property
    def expects_gil(self) -> bool:
        return expects_gil(bool(self.facts.get("free_threaded_build")), self.env)

    def missing(self, modules: tuple[str, ...]) -> list[str]:
        """Those of ``modules`` this interpreter cannot import."""
        found = self.facts.get("found") or {}
        return [module for module in modules if not found.get(module)]

    def record(self) -> dict[str, Any]:
        """What the saved run holds about it (``machine_info.bench_run.pythons``)."""
        facts = {key: value for key, value in self.facts.items() if key != "found"}
        return {
            "label": self.label,
            "spec": self.spec,
            "base": self.base,
            "command": self.command,
            "env": dict(self.env),
            "environment": self.environment,
            "expects_gil": self.expects_gil,
            **facts,
        }


def candidates(spec: str) -> list[Path]:
    """Where an interpreter given as ``spec`` may be: a path as given, or its version's places (``locate`` checks
    the patch release of a spec like ``3.13.5t`` against each one's own facts)."""
    if "/" in spec or spec.startswith((".", "~")):
        return [Path(spec).expanduser()]
    match = VERSION.match(spec)
    if match is None:
        raise UserError(
            f"--python {spec!r}: give versions like 3.13 or 3.14t, or paths to interpreters, separated by commas"
        )
    major, minor, _, free = match.groups()
    return [path for path, _ in freethreaded.places(f"{major}.{minor}", free=bool(free))]


def matches(spec: str, facts: Mapping[str, Any]) -> bool:
    """Whether an interpreter's own facts fit the version asked for (a path fits anything)."""
    match = VERSION.match(spec)
    if match is None:
        return True
    major, minor, patch, free = match.groups()
    version = str(facts.get("version", ""))
    same = version.startswith(f"{major}.{minor}.") or version == f"{major}.{minor}"
    return same and (not patch or version == spec.rstrip("t")) and bool(free) == bool(facts.get("free_threaded_build"))


def locate(spec: str, modules: list[str]) -> tuple[Path, dict[str, Any]]:
    """The first candidate of ``spec`` that runs and fits, and its facts; UserError naming where it looked."""
    places = candidates(spec)
    for place in places:
        if not place.exists():
            continue
        facts = probe(place, modules)
        if facts is not None and matches(spec, facts):
            # A version's interpreter is recorded as itself (a pyenv shim works only where pyenv is told to);
            # a path is kept as given: it may be a wrapper that sets up its interpreter.
            found = Path(facts["executable"]) if VERSION.match(spec) and facts.get("executable") else place
            return found, facts
    if len(places) == 1 and ("/" in spec or spec.startswith((".", "~"))):
        why = "no such file" if not places[0].exists() else "it does not run as a Python interpreter"
        raise UserError(f"--python {spec}: {why}")
    looked = ", ".join(str(place) for place in places) or "nothing found"
    hint = "; python -m bench free-threaded provides one" if spec.endswith("t") else ""
    raise UserError(
        f"--python {spec}: no such interpreter here (looked on PATH, in pyenv's and uv's Pythons"
        f"{' and the free-threaded cache' if spec.endswith('t') else ''}: {looked}){hint}"
    )


def usable_as_given(facts: Mapping[str, Any], source: Path = environments.SOURCE) -> bool:
    """Whether an interpreter already runs this harness's worker code and has every worker package it can take."""
    found = facts.get("found") or {}
    for module in CODE_MODULES:
        where = found.get(module)
        if not where or Path(where).resolve() != (source / module).resolve():
            return False
    return all(found.get(environments.module_of(requirement)) for requirement in requirements_for(facts))


def label_of(spec: str, facts: Mapping[str, Any]) -> str:
    """A version as given (``3.13``), or one made from the facts (``3.14t``, ``pypy3.10``) for a path."""
    if VERSION.match(spec):
        return spec
    major, minor = facts.get("version_info") or [0, 0]
    implementation = str(facts.get("implementation", ""))
    prefix = "" if implementation == "CPython" else implementation.lower()
    return f"{prefix}{major}.{minor}{'t' if facts.get('free_threaded_build') else ''}"


def resolve(specs: list[str], root: Path | None = None, say: Callable[[str], None] = print) -> list[Interpreter]:
    """Every interpreter of ``--python``, found, with its environment ready and its facts; UserError otherwise."""
    modules = [*CODE_MODULES, *worker_modules()]
    found: list[Interpreter] = []
    bases: dict[str, str] = {}
    for spec in specs:
        base, bare = locate(spec, modules)
        if tuple(bare.get("version_info") or (0, 0)) < OLDEST:
            oldest = ".".join(map(str, OLDEST))
            raise UserError(
                f"--python {spec}: Python {bare.get('version')} is too old; the worker needs {oldest} or later"
            )
        key = str(base.absolute())
        if key in bases:
            raise UserError(f"--python: {bases[key]} and {spec} are the same interpreter ({base})")
        bases[key] = spec
        command, environment = base, None
        if not usable_as_given(bare):
            try:
                command = environments.ensure(
                    base, bare, root or environments.default_root(), requirements_for(bare), say=say
                )
            except environments.EnvironmentFailed as exc:
                raise UserError(f"--python {spec}: cannot make its environment: {exc}") from None
            except OSError as exc:
                raise UserError(f"--python {spec}: cannot make its environment: {exc.strerror or exc}") from None
            environment = str(command.parents[1])
        label = label_of(spec, bare)
        taken = {interpreter.label for interpreter in found}
        label = label if label not in taken else f"{label}-{len(found) + 1}"
        variants = GIL_VARIANTS if bare.get("free_threaded_build") else (("", {}),)
        for suffix, env in variants:
            facts = probe(command, modules, env)
            if facts is None:
                raise UserError(f"--python {spec}: {command} stopped running as a Python interpreter")
            missing = [module for module in CODE_MODULES if not (facts.get("found") or {}).get(module)]
            if missing:
                raise UserError(f"--python {spec}: {command} cannot import {', '.join(missing)}")
            found.append(Interpreter(label + suffix, spec, str(base), str(command), facts, dict(env), environment))
    return found
