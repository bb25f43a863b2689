"""``python -m bench free-threaded`` and ``bench list``'s interpreters, on stand-in interpreters.

The places a Python may be (PATH, pyenv, uv, the cache) point into a temporary folder holding small scripts that
answer ``freethreaded.identify``'s probe as an interpreter would; nothing is downloaded or built.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import cli
from bench.cli import listing
from bench.harness import freethreaded


def stand_in(path: Path, version: str, free: bool) -> Path:
    """A script that answers the probe (``VERSION 0|1``) like a Python ``version`` would."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho {version} {int(free)}\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every place a Python may be, empty, under ``tmp_path``; no archive in the apt sources, no tarball cached."""
    for name in ("PATH", "PYENV_ROOT", "UV_PYTHON_INSTALL_DIR", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name))
    monkeypatch.setattr(freethreaded, "PYENV_CACHE", tmp_path / "pyenv-cache")
    monkeypatch.setattr(freethreaded, "archives", lambda apt=freethreaded.APT: [])
    return tmp_path


def test_the_command_lists_what_it_found_and_the_path_to_use(places: Path, capsys: pytest.CaptureFixture[str]) -> None:
    uv = places / "UV_PYTHON_INSTALL_DIR" / "cpython-3.14.1+freethreaded-linux-x86_64-gnu" / "bin" / "python3.14t"
    stand_in(uv, "3.14.1", True)
    cached = stand_in(freethreaded.built_prefix() / "bin" / "python3.13t", freethreaded.VERSION, True)
    assert cli.main(["free-threaded"]) == 0
    out = capsys.readouterr().out
    assert f"3.14t   CPython 3.14.1   {uv}  (uv)" in out and f"{cached}  (cache)" in out
    assert f"Using 3.14t (uv): {uv}" in out
    assert "python -m bench run --python 3.14,3.14t" in out
    assert cli.main(["free-threaded", "--path"]) == 0
    assert capsys.readouterr().out == f"{uv}\n"  # the path alone on stdout: what scripts read


def test_no_interpreter_and_no_source_is_one_error_line(places: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["free-threaded"]) == 2
    captured = capsys.readouterr()
    assert "No free-threaded interpreter found" in captured.out
    (line,) = captured.err.strip().splitlines()
    assert line.startswith(f"ERROR: cannot get CPython {freethreaded.VERSION}'s source (no Debian archive")
    assert "uv python install 3.14t" in line


def test_bench_list_shows_the_projects_pythons_and_the_free_threaded_ones(
    places: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(listing, "project_versions", lambda: ["3.12", "3.13"])
    on_path = stand_in(places / "PATH" / "python3.13", "3.13.4", False)
    pyenv = stand_in(places / "PYENV_ROOT" / "versions" / "3.13.2t" / "bin" / "python3.13t", "3.13.2", True)
    listing.print_interpreters()
    out = capsys.readouterr().out
    assert "  3.12    not found here" in out
    assert f"  3.13    CPython 3.13.4   {on_path}  (PATH)" in out
    assert f"  3.13t   CPython 3.13.2   {pyenv}  (pyenv)  [free-threaded]" in out


def test_bench_list_says_how_to_get_a_free_threaded_build_where_none_is(
    places: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listing.print_interpreters()
    assert "no free-threaded build found: python -m bench free-threaded provides one" in capsys.readouterr().out


def test_the_projects_pythons_are_its_classifiers() -> None:
    assert listing.project_versions() == ["3.11", "3.12", "3.13"]
