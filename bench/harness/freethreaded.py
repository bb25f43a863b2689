"""A free-threaded CPython for ``--python``: one already installed, else 3.13.5t built from its pinned source.

Why a build: no binary free-threaded CPython installs on Debian 12 (none is
packaged; Debian's newer python3.13/3.14 need a newer glibc; PyPI has none; pyenv
and uv download from hosts these machines cannot reach). Debian's source package
of python3.13 carries upstream's unchanged tarball, so it is fetched through the
Debian archive that this machine's apt sources already name (read at run time:
no host is written here), checked against its SHA-256, and built with
``--disable-gil`` into a cache that later runs reuse (about 2.5 minutes on 2
cores). Nothing is downloaded from anywhere else. An interpreter already here
wins: ``python3.14t``/``python3.13t`` on PATH, pyenv's ``t`` versions, uv's
free-threaded installs, then the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import machine
from ..errors import UserError
from .environments import locked

#: The pinned source: upstream's Python-3.13.5.tar.xz, as Debian's trixie source package of python3.13 holds it.
VERSION = "3.13.5"
SHA256 = "93e583f243454e6e9e4588ca2c2662206ad961659863277afcdb96801647d640"
TARBALL = f"Python-{VERSION}.tar.xz"
DEBIAN_POOL_PATH = f"pool/main/p/python3.13/python3.13_{VERSION}.orig.tar.xz"
#: The free-threaded versions looked for, newest first (3.13 is the first that can be built without the GIL).
MINORS = ("3.15", "3.14", "3.13")
DOWNLOAD_TIMEOUT_S = 120.0
BUILD_TIMEOUT_S = 3600.0
APT = Path("/etc/apt")
PYENV_CACHE = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "cache"
PROBE = "import sys, sysconfig; print(sys.version.split()[0], int(bool(sysconfig.get_config_var('Py_GIL_DISABLED'))))"


class BuildFailed(UserError):
    """The source could not be had, or the build failed: one line that says which step and where its log is."""


@dataclass(frozen=True)
class Found:
    """An interpreter found here: where, its version, whether it was built free-threaded, and who put it there."""

    path: Path
    version: str
    free_threaded: bool
    origin: str  # "PATH", "pyenv", "uv", "cache"

    @property
    def label(self) -> str:
        return ".".join(self.version.split(".")[:2]) + ("t" if self.free_threaded else "")


def cache_root() -> Path:
    """``$XDG_CACHE_HOME/concurrency-bench/pythons`` (``~/.cache/...`` by default), beside the worker environments."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "concurrency-bench" / "pythons"


def built_prefix(root: Path | None = None) -> Path:
    return (root or cache_root()) / f"{VERSION}t"


def _uv_folders() -> list[Path]:
    """Where uv keeps the Pythons it installs (``uv python dir``'s default, or UV_PYTHON_INSTALL_DIR)."""
    given = os.environ.get("UV_PYTHON_INSTALL_DIR")
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return [Path(given)] if given else [Path(data) / "uv" / "python"]


def places(minor: str, free: bool, root: Path | None = None) -> list[tuple[Path, str]]:
    """Where a Python ``minor`` (``3.13``) may be, with who put it there: PATH, pyenv (newest first), uv, the cache."""
    suffix = "t" if free else ""
    name = f"python{minor}{suffix}"
    found: list[tuple[Path, str]] = []
    on_path = shutil.which(name)
    if on_path:
        found.append((Path(on_path), "PATH"))
    versions = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    pattern = re.compile(rf"^{re.escape(minor)}\.(\d+){suffix}$")
    pyenv = sorted(
        (int(match.group(1)), folder) for folder in versions.glob(f"{minor}.*") if (match := pattern.match(folder.name))
    )
    found += [(folder / "bin" / name, "pyenv") for _, folder in reversed(pyenv)]
    flavour = "+freethreaded" if free else ""
    for uv in _uv_folders():
        uv_found = [f for f in sorted(uv.glob(f"cpython-{minor}.*-*"), reverse=True) if (flavour in f.name) == free]
        found += [(folder / "bin" / name, "uv") for folder in uv_found]
    if free and minor == ".".join(VERSION.split(".")[:2]):
        found.append((built_prefix(root) / "bin" / name, "cache"))
    return found


def identify(path: Path, origin: str) -> Found | None:
    """What ``path`` is (version, free-threaded build), or None if it does not run."""
    if not path.exists():
        return None
    try:
        done = subprocess.run([str(path), "-c", PROBE], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    parts = done.stdout.split()
    if done.returncode != 0 or len(parts) != 2:
        return None
    return Found(path, parts[0], parts[1] == "1", origin)


def free_threaded(root: Path | None = None) -> list[Found]:
    """Every free-threaded interpreter found here, newest minor version first, each once."""
    seen: set[Path] = set()
    found = []
    for minor in MINORS:
        for path, origin in places(minor, free=True, root=root):
            interpreter = identify(path, origin)
            if interpreter is None or not interpreter.free_threaded or path.resolve() in seen:
                continue
            seen.add(path.resolve())
            found.append(interpreter)
    return found


def archives(apt: Path = APT) -> list[str]:
    """The Debian archives this machine's apt sources name (one-line and deb822 formats), in the order found.

    Only the main archive (a URI whose path ends in ``/debian``) holds python3.13's source package.
    """
    uris: list[str] = []
    files = [apt / "sources.list", *sorted((apt / "sources.list.d").glob("*.list"))]
    for file in files:
        with contextlib.suppress(OSError):
            for line in file.read_text().splitlines():
                words = line.split("#", 1)[0].split()
                words = [word for word in words if not word.startswith("[")]
                if len(words) >= 2 and words[0] in ("deb", "deb-src"):
                    uris.append(words[1])
    for file in sorted((apt / "sources.list.d").glob("*.sources")):
        with contextlib.suppress(OSError):
            for stanza in re.split(r"\n\s*\n", file.read_text()):
                fields = dict(
                    line.split(":", 1) for line in stanza.splitlines() if ":" in line and not line.startswith("#")
                )
                if fields.get("Enabled", "yes").strip().lower() == "no":
                    continue
                uris += fields.get("URIs", "").split()
    return list(dict.fromkeys(uri.rstrip("/") for uri in uris if uri.rstrip("/").endswith("/debian")))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(url: str, target: Path) -> None:
    partial = target.with_suffix(".partial")
    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response, partial.open("wb") as out:
        shutil.copyfileobj(response, out)
    partial.replace(target)


def source(root: Path, say: Callable[[str], None], apt: Path = APT) -> Path:
    """The checked tarball: one already at hand (the cache, pyenv's cache), else fetched from a Debian archive."""
    for candidate in (root / TARBALL, PYENV_CACHE / TARBALL):
        if candidate.exists() and _sha256(candidate) == SHA256:
            return candidate
    target = root / TARBALL
    target.parent.mkdir(parents=True, exist_ok=True)
    found = archives(apt)
    tried = []
    for archive in found:
        url = f"{archive}/{DEBIAN_POOL_PATH}"
        say(f"Downloading CPython {VERSION}'s source from {url}")
        try:
            _download(url, target)
        except OSError as exc:
            tried.append(f"{url}: {getattr(exc, 'reason', None) or exc}")
            continue
        if _sha256(target) == SHA256:
            return target
        target.unlink()
        tried.append(f"{url}: wrong SHA-256")
    where = "; ".join(tried) if tried else f"no Debian archive in the apt sources under {apt}"
    raise BuildFailed(
        f"cannot get CPython {VERSION}'s source ({where}): install a free-threaded Python instead "
        f"(uv python install 3.14t, or your system's python3.14t), or put {TARBALL} (sha256 {SHA256}) in {root}"
    )


def _step(argv: list[str], cwd: Path, log: Path, what: str) -> None:
    with log.open("a") as out:
        out.write(f"\n$ {' '.join(argv)}\n")
        out.flush()
        try:
            done = subprocess.run(
                argv, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, timeout=BUILD_TIMEOUT_S, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise BuildFailed(f"building CPython {VERSION}t: {what} failed ({exc}); log: {log}") from None
    if done.returncode != 0:
        raise BuildFailed(f"building CPython {VERSION}t: {what} failed (exit {done.returncode}); log: {log}")


def build(root: Path | None = None, say: Callable[[str], None] = print, apt: Path = APT) -> Path:
    """The cached 3.13.5t's python, built first if it is not there (or was left half built)."""
    root = root or cache_root()
    prefix = built_prefix(root)
    python = prefix / "bin" / "python3.13t"
    done_stamp = prefix / ".built"
    with locked(root / f"{VERSION}t.lock"):  # two runs asking at once: the second waits, then finds it built
        if done_stamp.exists() and identify(python, "cache") is not None:
            return python
        tarball = source(root, say, apt)
        shutil.rmtree(prefix, ignore_errors=True)
        log = root / f"build-{VERSION}t.log"
        log.unlink(missing_ok=True)
        jobs = str(machine.usable_cores())
        started = time.monotonic()
        say(f"Building CPython {VERSION} free-threaded into {prefix} ({jobs} jobs; a few minutes; log: {log})")
        with tempfile.TemporaryDirectory(prefix="cpython-build-") as scratch:
            with tarfile.open(tarball) as archive:
                archive.extractall(scratch, filter="data")
            tree = Path(scratch) / f"Python-{VERSION}"
            _step(["./configure", "--disable-gil", f"--prefix={prefix}"], tree, log, "configure")
            _step(["make", f"-j{jobs}"], tree, log, "make")
            _step(["make", "install"], tree, log, "make install")
        if identify(python, "cache") is None:
            raise BuildFailed(f"building CPython {VERSION}t: {python} does not run after the build; log: {log}")
        done_stamp.write_text(f"{VERSION}t built in {time.monotonic() - started:.0f} s\n")
        say(f"Built {python} in {time.monotonic() - started:.0f} s")
    return python


def provide(root: Path | None = None, say: Callable[[str], None] = print, apt: Path = APT) -> Found:
    """A free-threaded interpreter: the newest already here, else the pinned 3.13.5t built into the cache."""
    found = free_threaded(root)
    if found:
        return found[0]
    python = build(root, say, apt)
    built = identify(python, "cache")
    assert built is not None  # build() checked that it runs
    return built
