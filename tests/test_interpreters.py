"""bench.harness.interpreters: --python found like nox finds it, described by itself, free-threaded twins, errors.

A free-threaded build is simulated here, so these tests run wherever the suite runs: a wrapper script runs
this interpreter with a ``sitecustomize`` that makes ``sysconfig`` report ``Py_GIL_DISABLED`` and
``sys._is_gil_enabled()`` follow PYTHON_GIL (or stay on, to play an extension that turns it back on). The real
one is driven by tests/test_freethreaded_real.py (``nox -s tests-free-threaded``).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT, run_bench, saved_run

from bench.errors import UserError
from bench.harness import environments, freethreaded, interpreters

FAKE_FREE_THREADED = """\
import os, sys, sysconfig
_real = sysconfig.get_config_var
sysconfig.get_config_var = lambda name: 1 if name == "Py_GIL_DISABLED" else _real(name)
sys._is_gil_enabled = lambda: os.environ.get("PYTHON_GIL") == "1" or os.environ.get("FAKE_GIL_COMES_BACK") == "1"
"""


def executable(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def free_threaded(tmp_path: Path) -> Path:
    """A wrapper that runs this interpreter as if it were a free-threaded build (see the module's docstring)."""
    site = tmp_path / "fake-site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(FAKE_FREE_THREADED)
    return executable(
        tmp_path / "python3.14t",
        f'#!/bin/sh\nPYTHONPATH="{site}:{ROOT}${{PYTHONPATH:+:$PYTHONPATH}}" exec "{sys.executable}" "$@"\n',
    )


def test_the_worker_requirements_are_the_projects_own() -> None:
    """What an interpreter's environment gets is what pyproject.toml asks for: one list, kept in step."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    dependencies = [*project["dependencies"], *extras["uvloop"], *extras["interpreters"]]
    normalised = {dependency.replace('"', "'") for dependency in dependencies}
    assert set(environments.WORKER_REQUIREMENTS) <= normalised
    names = [environments.requirement_name(r) for r in environments.WORKER_REQUIREMENTS]
    assert names == ["gevent", "aiohttp", "uvloop", "backports-interpreters"]


def test_an_interpreter_is_given_what_its_markers_and_build_allow() -> None:
    """3.13 gets every worker package (the backport too); 3.11 no backport; a free-threaded build no gevent."""
    cpython = {"implementation": "CPython", "free_threaded_build": False}

    def names(**facts: object) -> list[str]:
        return [environments.requirement_name(r) for r in interpreters.requirements_for({**cpython, **facts})]

    assert interpreters.requirements_for({**cpython, "version_info": [3, 13]}) == environments.WORKER_REQUIREMENTS
    assert "backports-interpreters" not in names(version_info=[3, 11])
    free = names(version_info=[3, 14], free_threaded_build=True)
    assert "gevent" not in free and "aiohttp" in free and "backports-interpreters" not in free


def test_versions_are_found_where_freethreaded_places_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One list of where a Python may be, for --python and ``bench free-threaded`` alike: PATH, pyenv (newest
    first), uv's Pythons, then the free-threaded cache; a patch release is checked against each one's own facts."""
    bin_dir, pyenv, uv, cache = tmp_path / "bin", tmp_path / "pyenv", tmp_path / "uv", tmp_path / "cache"
    bin_dir.mkdir()
    executable(bin_dir / "python3.13", "#!/bin/sh\n")
    for version in ("3.13.0", "3.13.2", "3.13.1t", "3.12.9"):
        (pyenv / "versions" / version / "bin").mkdir(parents=True)
    uv_free = uv / "cpython-3.13.9+freethreaded-linux-x86_64-gnu" / "bin" / "python3.13t"
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("PYENV_ROOT", str(pyenv))
    monkeypatch.setenv("UV_PYTHON_INSTALL_DIR", str(uv))
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    (uv_free.parents[1]).mkdir(parents=True)
    built = freethreaded.built_prefix() / "bin" / "python3.13t"
    assert built.is_relative_to(cache)
    assert interpreters.candidates("3.13") == [
        bin_dir / "python3.13",
        pyenv / "versions" / "3.13.2" / "bin" / "python3.13",
        pyenv / "versions" / "3.13.0" / "bin" / "python3.13",
    ]
    free = [pyenv / "versions" / "3.13.1t" / "bin" / "python3.13t", uv_free, built]
    assert interpreters.candidates("3.13t") == free
    assert interpreters.candidates("3.13.5t") == free  # the release is told by each one's facts (below)
    assert interpreters.candidates("./my/python") == [Path("./my/python")]
    for path in free:
        path.parent.mkdir(parents=True, exist_ok=True)
        executable(path, "#!/bin/sh\n")
    versions = {free[0]: "3.13.1", uv_free: "3.13.9", built: freethreaded.VERSION}

    def probe(command: Path | str, modules: list[str], env: object = None) -> dict[str, object]:
        return {"version": versions[Path(command)], "free_threaded_build": True}

    monkeypatch.setattr(interpreters, "probe", probe)
    assert interpreters.locate("3.13t", [])[0] == free[0]
    assert interpreters.locate(f"{freethreaded.VERSION}t", [])[0] == built  # --python 3.13.5t: the cache's build


def test_a_free_threaded_version_not_found_says_how_to_get_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PATH", "PYENV_ROOT", "UV_PYTHON_INSTALL_DIR", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name))
    with pytest.raises(UserError) as raised:
        interpreters.locate("3.13t", [])
    message = str(raised.value)
    assert "uv's Pythons and the free-threaded cache" in message
    assert message.endswith("python -m bench free-threaded provides one")


@pytest.mark.parametrize(
    ("spec", "facts", "fits"),
    [
        ("3.13", {"version": "3.13.0", "free_threaded_build": False}, True),
        ("3.13", {"version": "3.12.1", "free_threaded_build": False}, False),
        ("3.13", {"version": "3.13.0", "free_threaded_build": True}, False),
        ("3.13t", {"version": "3.13.0", "free_threaded_build": True}, True),
        ("3.13.1", {"version": "3.13.0", "free_threaded_build": False}, False),
        ("/any/path", {"version": "2.7.18"}, True),
    ],
)
def test_an_interpreter_must_be_the_version_asked_for(spec: str, facts: dict[str, object], fits: bool) -> None:
    assert interpreters.matches(spec, facts) is fits


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("2.9", "no such interpreter here (looked on PATH, in pyenv's and uv's Pythons"),
        ("three", "give versions like 3.13"),
        ("/no/such/python", "no such file"),
    ],
)
def test_a_missing_interpreter_is_a_user_error(spec: str, message: str) -> None:
    with pytest.raises(UserError, match=message.replace("(", r"\(")):
        interpreters.resolve([spec])


def test_an_interpreter_older_than_the_worker_code_is_a_user_error(tmp_path: Path) -> None:
    facts = {"version": "3.8.18", "version_info": [3, 8], "implementation": "CPython", "found": {}}
    old = executable(tmp_path / "python3.8", f"#!/bin/sh\necho '{json.dumps(facts)}'\n")
    with pytest.raises(UserError, match=r"Python 3\.8\.18 is too old; the worker needs 3\.11 or later"):
        interpreters.resolve([str(old)])


def test_something_that_is_not_an_interpreter_is_a_user_error(tmp_path: Path) -> None:
    broken = executable(tmp_path / "python9", "#!/bin/sh\nexit 1\n")
    with pytest.raises(UserError, match="does not run as a Python interpreter"):
        interpreters.resolve([str(broken)])


def test_the_harness_interpreter_is_used_as_given_and_described_by_itself(tmp_path: Path) -> None:
    """This environment has the worker code and packages: no environment is made for it."""
    (found,) = interpreters.resolve([sys.executable], root=tmp_path / "envs")
    assert found.command == sys.executable and found.environment is None
    assert found.label == f"{sys.version_info.major}.{sys.version_info.minor}"
    assert found.facts["version"] == ".".join(map(str, sys.version_info[:3]))
    assert found.facts["free_threaded_build"] is False and found.expects_gil
    assert found.missing(("gevent", "aiohttp")) == []
    record = found.record()
    assert {"label", "version", "implementation", "gil_enabled", "free_threaded_build", "command"} <= set(record)
    assert not (tmp_path / "envs").exists()


def test_the_same_interpreter_twice_is_a_user_error() -> None:
    with pytest.raises(UserError, match="same interpreter"):
        interpreters.resolve([sys.executable, str(Path(sys.executable).absolute())])


def test_an_environment_that_cannot_be_made_is_a_user_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def fail(*args: object, **kwargs: object) -> Path:
        raise environments.EnvironmentFailed("installing gevent failed (exit 1): no matching distribution")

    monkeypatch.setattr(environments, "ensure", fail)
    monkeypatch.setattr(interpreters, "usable_as_given", lambda facts, source=None: False)
    with pytest.raises(UserError, match="cannot make its environment: installing gevent failed"):
        interpreters.resolve([sys.executable], root=tmp_path)


def test_a_free_threaded_interpreter_runs_twice_labelled(free_threaded: Path, tmp_path: Path) -> None:
    nogil, gil = interpreters.resolve([str(free_threaded)], root=tmp_path)
    version = f"{sys.version_info.major}.{sys.version_info.minor}t"
    assert (nogil.label, gil.label) == (f"{version}-nogil", f"{version}-gil")
    assert (nogil.env, gil.env) == ({"PYTHON_GIL": ""}, {"PYTHON_GIL": "1"})  # "": unset, the build's default
    assert nogil.facts["free_threaded_build"] and gil.facts["free_threaded_build"]
    assert (nogil.facts["gil_enabled"], gil.facts["gil_enabled"]) == (False, True)  # asked under each setting
    assert (nogil.expects_gil, gil.expects_gil) == (False, True)
    assert nogil.command == str(free_threaded)  # a wrapper is kept as given: it sets its interpreter up


# ---- through the command line, end to end ------------------------------------------------------------------------

TINY_CPU = [
    "--workloads",
    "cpu",
    "--workers",
    "1",
    "--cpu-n",
    "20000",
    "--rounds",
    "3",
    "--max-rounds",
    "3",
    "--load-limit",
    "0",
    "--warmup",
    "1",
    "--warmup-seconds",
    "0s",
    "--warmup-limit",
    "0s",
    "--no-report",
]


def test_a_missing_interpreter_stops_the_run_before_anything_runs(tmp_path: Path) -> None:
    done = run_bench("run", "--python", f"{sys.executable},2.9", *TINY_CPU, "--results", str(tmp_path / "r"))
    assert done.returncode == 2
    assert done.stderr.startswith("ERROR: --python 2.9: no such interpreter here")
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "r").exists()


@pytest.mark.slow
def test_a_simulated_free_threaded_build_runs_with_and_without_its_gil(
    free_threaded: Path, tmp_path: Path, process_tag: str
) -> None:
    """Each case under the GIL build and both twins of the free-threaded one; gevent is skipped there."""
    results = tmp_path / "r"
    done = run_bench(
        "run", "--python", f"{sys.executable},{free_threaded}", "--executors", "sequential,threads,gevent",
        *TINY_CPU, "--results", str(results),
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    run = json.loads(saved_run(results).read_text())
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    labels = [python["label"] for python in run["machine_info"]["bench_run"]["pythons"]]
    assert labels == [version, f"{version}t-nogil", f"{version}t-gil"]
    measured = {(b["params"]["executor"], b["params"]["python"]) for b in run["benchmarks"]}
    assert measured == {(e, label) for e in ("sequential", "threads") for label in labels} | {("gevent", version)}
    skipped = [s for s in run["machine_info"]["bench_run"]["skipped"] if s["params"]["executor"] == "gevent"]
    assert {s["params"]["python"] for s in skipped} == set(labels[1:])
    assert all("free-threaded" in s["reason"] for s in skipped)
    for entry in run["benchmarks"]:
        extra = entry["extra_info"]
        assert extra["gil_enabled"] is extra["gil_expected"] is (not entry["params"]["python"].endswith("-nogil"))
        assert not any("GIL" in reason for reason in extra["unstable"])
    assert "Interpreters side by side" in done.stdout


@pytest.mark.slow
def test_the_run_says_when_the_gil_came_back_on(
    free_threaded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An extension module can turn the GIL back on in a free-threaded build: the run says so, case by case."""
    monkeypatch.setenv("FAKE_GIL_COMES_BACK", "1")
    results = tmp_path / "r"
    done = run_bench(
        "run", "--python", str(free_threaded), "--executors", "threads", *TINY_CPU, "--results", str(results)
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    run = json.loads(saved_run(results).read_text())
    nogil = [b for b in run["benchmarks"] if b["params"]["python"].endswith("-nogil")]
    assert nogil and all(b["extra_info"]["gil_enabled"] is True for b in nogil)
    assert all("the GIL came back on at run time" in " ".join(b["extra_info"]["unstable"]) for b in nogil)
    assert "WARNING" in done.stdout and "GIL came back on" in done.stdout


def test_environment_key_and_code_digest(tmp_path: Path) -> None:
    facts = {"implementation": "CPython", "version": "3.13.0", "free_threaded_build": True}
    folder = environments.folder_for(tmp_path, Path("/x/python3.13t"), facts, ("aiohttp>=3.9",))
    assert folder.name.startswith("cpython-3.13.0t-")
    assert folder != environments.folder_for(tmp_path, Path("/x/python3.13t"), facts, ())
    files = environments.code_files()
    assert Path("bench/__init__.py") in files and Path("bench/worker/protocol.py") in files
    assert Path("workloads/cpu.py") in files and not any(f.parts[1] == "harness" for f in files)
    assert environments.code_digest() == environments.code_digest()


@pytest.mark.slow
@pytest.mark.skipif(not environments.shutil.which("uv"), reason="uv is not installed")
def test_an_environment_is_made_once_and_runs_the_harness_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Made offline with no requirements (tests make no traffic): the worker code alone, copied and on the path."""
    monkeypatch.setenv("UV_OFFLINE", "1")
    base = Path(sys.executable)
    facts = interpreters.probe(base, [])
    assert facts is not None
    said: list[str] = []
    monkeypatch.chdir(tmp_path)
    python = environments.ensure(base, facts, Path("envs"), (), say=said.append)  # a relative folder, as nox gives
    assert python.is_absolute() and python.exists() and len(said) == 1
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # not the project root: the environment's own copy must be found
    inside = interpreters.probe(python, ["bench.worker", "workloads"], env={"PYTHONPATH": ""})
    assert inside is not None
    assert inside["found"]["bench.worker"].startswith(str(python.parents[1]))
    environments.ensure(base, facts, tmp_path / "envs", (), say=said.append)
    assert len(said) == 1  # reused: the stamp matched
    ready = subprocess.run(
        [
            str(python),
            "-m",
            "bench.worker",
            '{"workload": "noop", "executor": "sequential", "workers": 1, "params": {}}',
        ],
        input="run\nquit\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={**os.environ, "PYTHONPATH": ""},
    )
    assert [json.loads(line)["event"] for line in ready.stdout.splitlines()] == ["ready", "done"]
    assert (python.parents[1] / environments.STAMP).exists()
