"""Getting a free-threaded interpreter: where one is looked for, where the pinned source comes from, what failing says.

No test downloads anything or builds CPython: the archive is a server on 127.0.0.1 serving a stand-in tarball.
"""

from __future__ import annotations

import hashlib
import http.server
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.harness import freethreaded


def write_sources(apt: Path, deb822: str = "", one_line: str = "") -> Path:
    (apt / "sources.list.d").mkdir(parents=True)
    if deb822:
        (apt / "sources.list.d" / "debian.sources").write_text(deb822)
    if one_line:
        (apt / "sources.list").write_text(one_line)
    return apt


def test_archives_are_read_from_both_apt_formats_main_archive_only(tmp_path: Path) -> None:
    apt = write_sources(
        tmp_path / "apt",
        deb822=(
            "Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm\n\n"
            "Types: deb\nURIs: http://mirror.example/debian-security\nSuites: bookworm-security\n\n"
            "Types: deb\nEnabled: no\nURIs: http://off.example/debian\n"
        ),
        one_line="# a comment\ndeb [arch=amd64] http://other.example/debian/ bookworm main\n",
    )
    assert freethreaded.archives(apt) == ["http://other.example/debian", "http://mirror.example/debian"]


def test_no_archive_and_no_tarball_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(freethreaded, "PYENV_CACHE", tmp_path / "pyenv-cache")
    apt = write_sources(tmp_path / "apt")
    with pytest.raises(freethreaded.BuildFailed) as raised:
        freethreaded.source(tmp_path / "cache", say=lambda _: None, apt=apt)
    message = str(raised.value)
    assert "no Debian archive" in message and freethreaded.SHA256 in message and "uv python install 3.14t" in message
    assert "\n" not in message


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[tuple[str, bytes]]:
    """A Debian-archive stand-in on 127.0.0.1 that serves one file at the pinned pool path."""
    body = b"not really CPython, but checked like it"
    root = tmp_path / "www"
    pool = root / "debian" / freethreaded.DEBIAN_POOL_PATH
    pool.parent.mkdir(parents=True)
    pool.write_bytes(body)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(root), **kwargs)  # type: ignore[arg-type]

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/debian", body
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def apt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, archive: tuple[str, bytes]) -> Path:
    """Apt sources naming the stand-in archive, and no tarball in pyenv's cache."""
    monkeypatch.setattr(freethreaded, "PYENV_CACHE", tmp_path / "pyenv-cache")
    return write_sources(tmp_path / "apt", deb822=f"Types: deb\nURIs: {archive[0]}\nSuites: bookworm\n")


def test_the_tarball_is_fetched_through_the_apt_archive_and_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, archive: tuple[str, bytes], apt: Path
) -> None:
    body = archive[1]
    said: list[str] = []
    monkeypatch.setattr(freethreaded, "SHA256", hashlib.sha256(body).hexdigest())
    got = freethreaded.source(tmp_path / "cache", say=said.append, apt=apt)
    assert got.read_bytes() == body and got.name == freethreaded.TARBALL
    assert any(freethreaded.DEBIAN_POOL_PATH in line for line in said)
    said.clear()
    assert freethreaded.source(tmp_path / "cache", say=said.append, apt=apt) == got  # cached: no second download
    assert said == []


def test_a_tarball_with_the_wrong_checksum_is_refused_and_removed(tmp_path: Path, apt: Path) -> None:
    with pytest.raises(freethreaded.BuildFailed, match="wrong SHA-256"):
        freethreaded.source(tmp_path / "cache", say=lambda _: None, apt=apt)
    assert not (tmp_path / "cache" / freethreaded.TARBALL).exists()


def fake_python(path: Path, version: str, free: bool) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho {version} {int(free)}\n")
    path.chmod(0o755)
    return path


def test_places_and_found_interpreters_newest_first_marked_by_origin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pyenv, uv, cache, bin_dir = tmp_path / "pyenv", tmp_path / "uv", tmp_path / "cache", tmp_path / "bin"
    monkeypatch.setenv("PYENV_ROOT", str(pyenv))
    monkeypatch.setenv("UV_PYTHON_INSTALL_DIR", str(uv))
    monkeypatch.setenv("PATH", str(bin_dir))
    fake_python(bin_dir / "python3.14t", "3.14.2", True)
    fake_python(pyenv / "versions" / "3.13.2t" / "bin" / "python3.13t", "3.13.2", True)
    fake_python(pyenv / "versions" / "3.13.10t" / "bin" / "python3.13t", "3.13.10", True)
    fake_python(pyenv / "versions" / "3.13.10" / "bin" / "python3.13", "3.13.10", False)  # a GIL build: not taken
    fake_python(uv / "cpython-3.13.9+freethreaded-linux-x86_64-gnu" / "bin" / "python3.13t", "3.13.9", True)
    fake_python(freethreaded.built_prefix(cache) / "bin" / "python3.13t", freethreaded.VERSION, True)
    found = freethreaded.free_threaded(cache)
    assert [(f.version, f.origin) for f in found] == [
        ("3.14.2", "PATH"),
        ("3.13.10", "pyenv"),
        ("3.13.2", "pyenv"),
        ("3.13.9", "uv"),
        (freethreaded.VERSION, "cache"),
    ]
    assert found[0].label == "3.14t"
    assert freethreaded.provide(cache, say=lambda _: None).path == bin_dir / "python3.14t"  # found, nothing built


def test_identify_reads_this_interpreter() -> None:
    this = freethreaded.identify(Path(sys.executable), "PATH")
    assert this is not None and this.version == sys.version.split()[0]
    assert freethreaded.identify(Path("/nonexistent/python"), "PATH") is None
