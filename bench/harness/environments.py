"""A cached environment per interpreter of ``--python``: what a worker needs there, and nothing more.

The harness runs once, under its own interpreter; each other interpreter only
runs workers, so its environment holds what a worker imports: the worker code
(``bench/__init__.py``, ``bench/worker/``, ``workloads/``, copied from the
running harness so every interpreter runs the very same code) and the worker
packages, never pandas, matplotlib or pytest. Which packages the executors say
(``ExecutorInfo.distributions`` and ``extra``); how to ask for them, with
which versions and markers, pyproject.toml (or, in an installed copy, the
project's metadata), so neither is written twice. Environments
live under a cache folder, one per interpreter and requirement list, made with
uv when it is installed (seconds) or with ``venv`` and pip; a stamp file says
what is in one, a lock keeps two runs from building the same one at once, and
the worker code is copied again whenever the harness's differs.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from ..worker.executors import PROJECT, extras_everywhere, registry

#: The harness's own code a worker runs: the package's import-free __init__, the saved-run vocabulary (which the
#: workloads import), the worker, the workloads.
SOURCE = Path(__file__).resolve().parents[2]
WORKER_CODE = ("bench/__init__.py", "bench/vocabulary.py", "bench/worker", "workloads")
STAMP = "bench-environment.json"
INSTALL_TIMEOUT_S = 600.0


class EnvironmentFailed(Exception):
    """An environment could not be made; the message says which step failed and its last words."""


def default_root() -> Path:
    """``$XDG_CACHE_HOME/concurrency-bench/envs`` (``~/.cache/...`` by default)."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "concurrency-bench" / "envs"


def module_of(requirement: str) -> str:
    """The module a requirement provides, as its executor says ("backports-interpreters" -> backports.interpreters)."""
    name = requirement_name(requirement)
    return MODULE_OF.get(canonical(name), name.replace("-", "_"))


def applies(requirement: str, facts: Mapping[str, Any]) -> bool:
    """Whether a requirement's marker holds for the interpreter these facts describe (no marker: always)."""
    from packaging.markers import Marker  # pytest's own dependency: always here in the harness

    _, semicolon, marker = requirement.partition(";")
    if not semicolon:
        return True
    major, minor = (facts.get("version_info") or (0, 0))[:2]
    implementation = str(facts.get("implementation") or "CPython").lower()
    return Marker(marker).evaluate(
        {"python_version": f"{major}.{minor}", "implementation_name": implementation, "sys_platform": sys.platform}
    )


def requirement_name(requirement: str) -> str:
    """The distribution a requirement names ("gevent>=24.2; ..." -> "gevent")."""
    name = requirement.split(";", maxsplit=1)[0].strip()
    for stop in "<>=!~[ ":
        name = name.split(stop)[0]
    return name


def canonical(name: str) -> str:
    """A distribution's name as packaging compares them ("Backports_Interpreters" -> "backports-interpreters")."""
    return re.sub(r"[-_.]+", "-", name).lower()


#: How the project's installed metadata writes an extra's requirement: "SPEC; (MARKER) and extra == 'NAME'".
EXTRA_MARKER = re.compile(
    r"""^(?P<spec>[^;]+?)\s*;\s*(?:\((?P<marker>.+)\)\s+and\s+)?extra\s*==\s*["'](?P<extra>[^"']+)["']$"""
)


def declared(source: Path = SOURCE) -> tuple[list[str], dict[str, list[str]]]:
    """The project's dependencies and extras: from pyproject.toml beside the code (a checkout), else installed.

    Installed metadata (a wheel) writes an extra's requirement with its extra in the marker: it is moved back
    into its extra's list, its marker's quotes as pyproject.toml writes them.
    """
    pyproject = source / "pyproject.toml"
    if pyproject.exists():
        project = tomllib.loads(pyproject.read_text())["project"]
        return list(project["dependencies"]), dict(project["optional-dependencies"])
    dependencies: list[str] = []
    extras: dict[str, list[str]] = {}
    for requirement in metadata.requires(PROJECT) or []:
        found = EXTRA_MARKER.match(requirement)
        if found is None:
            dependencies.append(requirement.replace('"', "'"))
            continue
        marker = f"; {found['marker']}" if found["marker"] else ""
        extras.setdefault(found["extra"], []).append((found["spec"] + marker).replace('"', "'"))
    return dependencies, extras


def worker_requirements(source: Path = SOURCE) -> tuple[str, ...]:
    """What a worker imports beyond the standard library, as the project declares it: the dependencies that
    executors name, then every extra that every measuring environment gets (``ExecutorInfo.extra_everywhere``)."""
    dependencies, extras = declared(source)
    wanted = extras_everywhere()
    named = [requirement for requirement in dependencies if canonical(requirement_name(requirement)) in MODULE_OF]
    return (*named, *(requirement for extra, listed in extras.items() if extra in wanted for requirement in listed))


#: The module each distribution an executor names provides (by canonical name), as its ``ExecutorInfo`` says.
MODULE_OF = {
    canonical(name): module for executor in registry().values() for name, module in executor.distributions.items()
}
#: What every interpreter's worker environment gets (markers are evaluated for each): dask stays out, its own extra.
WORKER_REQUIREMENTS = worker_requirements()


def code_files(source: Path = SOURCE) -> list[Path]:
    """The worker code's files, relative to ``source``, sorted (``__pycache__`` left out)."""
    found: list[Path] = []
    for entry in WORKER_CODE:
        path = source / entry
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*.py") if "__pycache__" not in p.parts)
        found += [file.relative_to(source) for file in files]
    return found


def code_digest(source: Path = SOURCE) -> str:
    digest = hashlib.sha256()
    for file in code_files(source):
        digest.update(str(file).encode() + b"\0" + (source / file).read_bytes() + b"\0")
    return digest.hexdigest()


def folder_for(root: Path, base: Path, facts: dict[str, Any], requirements: tuple[str, ...]) -> Path:
    """``<root>/<implementation>-<version>[t]-<hash>``: one folder per interpreter and requirement list."""
    key = json.dumps([str(base.resolve()), facts.get("version"), bool(facts.get("free_threaded_build")), requirements])
    short = hashlib.sha256(key.encode()).hexdigest()[:10]
    flavour = "t" if facts.get("free_threaded_build") else ""
    return root / f"{str(facts.get('implementation', 'python')).lower()}-{facts.get('version')}{flavour}-{short}"


def _run(argv: list[str], what: str, timeout: float = INSTALL_TIMEOUT_S) -> str:
    """Run one step of making an environment; EnvironmentFailed with its last line of output if it fails."""
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}  # an interpreter is given, never downloaded
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False, env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EnvironmentFailed(f"{what} failed: {exc}") from None
    if done.returncode != 0:
        lines = [line.strip() for line in (done.stderr + done.stdout).splitlines() if line.strip()]
        raise EnvironmentFailed(f"{what} failed (exit {done.returncode})" + (f": {lines[-1]}" if lines else ""))
    return done.stdout


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` (made if missing) while the block runs: one builder at a time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _create(base: Path, folder: Path, requirements: tuple[str, ...]) -> None:
    """A fresh virtual environment of ``base`` in ``folder``, with ``requirements`` installed."""
    python = folder / "bin" / "python"
    uv = shutil.which("uv")
    if uv:
        _run([uv, "venv", "--quiet", "--python", str(base), str(folder)], f"uv venv with {base}")
        if requirements:
            _run(
                [uv, "pip", "install", "--quiet", "--python", str(python), *requirements],
                "installing " + ", ".join(requirements),
            )
        return
    _run([str(base), "-m", "venv", str(folder)], f"{base} -m venv")
    if requirements:
        _run([str(python), "-m", "pip", "install", "--quiet", *requirements], "installing " + ", ".join(requirements))


def _sync_code(folder: Path, source: Path) -> None:
    """Copy the worker code into the environment (again, when it changed) and put it on its path."""
    digest = code_digest(source)
    target = folder / "worker-code"
    stamp = target / ".digest"
    if not (stamp.exists() and stamp.read_text() == digest):
        shutil.rmtree(target, ignore_errors=True)
        for file in code_files(source):
            (target / file).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / file, target / file)
        stamp.write_text(digest)
    site = _run(
        [str(folder / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        "finding the environment's site-packages",
        timeout=60,
    ).strip()
    (Path(site) / "concurrency_bench_worker.pth").write_text(str(target) + "\n")


def ensure(
    base: Path,
    facts: dict[str, Any],
    root: Path,
    requirements: tuple[str, ...],
    *,
    say: Callable[[str], None] = print,
    source: Path = SOURCE,
) -> Path:
    """The python of ``base``'s environment under ``root``, made (or remade) if needed; EnvironmentFailed if not."""
    folder = folder_for(root.absolute(), base, facts, requirements)  # absolute: its .pth names the copied code
    wanted = {"base": str(base.resolve()), "version": facts.get("version"), "requirements": list(requirements)}
    with locked(folder.with_name(folder.name + ".lock")):
        stamp = folder / STAMP
        try:
            current = json.loads(stamp.read_text())
        except (OSError, ValueError):
            current = None
        if current != wanted or not (folder / "bin" / "python").exists():
            say(f"Making the environment of {base} ({facts.get('version')}) in {folder}")
            shutil.rmtree(folder, ignore_errors=True)
            try:
                _create(base, folder, requirements)
            except EnvironmentFailed:
                shutil.rmtree(folder, ignore_errors=True)  # half an environment would pass for a whole one
                raise
            stamp.write_text(json.dumps(wanted))
        _sync_code(folder, source)
    return folder / "bin" / "python"
