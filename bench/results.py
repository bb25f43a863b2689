"""Saved runs: where they go, how they are written (atomically) and read back (as data only).

A run file is pytest-benchmark's JSON, so ``pytest-benchmark compare`` reads it;
what we add lives in each benchmark's ``params``/``extra_info`` and in
``machine_info["bench"]`` (machine facts) and ``machine_info["bench_run"]`` (what
the run was asked for, skipped and failed cases, whether it is partial).
Layout: ``<results>/<node>_<gil|nogil>/<pytest-benchmark machine id>/NNNN_<commit>_<time>.json``:
pytest-benchmark's own storage layout under a folder per machine and GIL state,
so a free-threaded run is never filed beside its GIL twin.
"""

from __future__ import annotations

import json
import os
import platform
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from . import FORMAT_VERSION
from .errors import UserError

RUN_NAME = re.compile(r"^(\d{4})_.*\.json$")


def storage_root(results: Path, gil_label: str) -> Path:
    """The pytest-benchmark storage folder for this machine and GIL state."""
    node = re.sub(r"[^A-Za-z0-9.-]+", "-", platform.node() or "machine")
    return results / f"{node}_{gil_label}"


def next_run_path(folder: Path, commit: str, partial: bool) -> Path:
    """``NNNN_<commit>_<date>_<time>.json``, NNNN one past the highest in the folder."""
    numbers = [int(m.group(1)) for p in folder.glob("*.json") if (m := RUN_NAME.match(p.name))]
    stamp = datetime.now(UTC).strftime("%Y%m%d_%H%M%S")
    suffix = "_partial" if partial else ""
    return folder / f"{max(numbers, default=0) + 1:04d}_{commit[:12]}_{stamp}{suffix}.json"


def write_json_atomic(path: Path, data: Any) -> None:
    """Write to a temporary file beside ``path``, flush it to disk, then rename over ``path``.

    A crash at any point leaves either the old file or the new one, never half of one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.fchmod(fd, 0o666 & ~umask)  # as any file the user writes (mkstemp makes it 0600)
        with os.fdopen(fd, "w") as out:
            json.dump(data, out, indent=1, default=repr)
            out.flush()
            os.fsync(out.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Journal:
    """Finished cases, one JSON line each, flushed as they finish, so an interrupted run keeps them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None  # made on the first entry: a run that finishes nothing leaves nothing

    def append(self, entry: dict[str, Any]) -> None:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a")
        self._file.write(json.dumps(entry, default=repr) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        lines = self.path.read_text().splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def remove(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self.path.unlink(missing_ok=True)


def load_run(path: Path) -> dict[str, Any]:
    """A saved run, checked to be one of ours and of a format we read; UserError otherwise."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise UserError(f"no such file: {path}") from None
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise UserError(f"{path} is not JSON ({exc})") from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("benchmarks"), list)
        or not isinstance(data.get("machine_info"), dict)
    ):
        raise UserError(f"{path} is not a benchmark run: it has no 'benchmarks' list and 'machine_info'")
    ours = data["machine_info"].get("bench")
    if not isinstance(ours, dict) or "format_version" not in ours:
        raise UserError(f"{path} is a pytest-benchmark file, but not one written by concurrency-bench")
    version = ours["format_version"]
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise UserError(
            f"{path} was written by a newer concurrency-bench (result format {version}); "
            f"this one reads format {FORMAT_VERSION} and older: upgrade to read it"
        )
    for entry in data["benchmarks"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("params"), dict) or "stats" not in entry:
            raise UserError(f"{path} is not a benchmark run: a benchmark entry lacks 'params' or 'stats'")
    data["_path"] = str(path)
    return data


def saved_runs(results: Path) -> list[Path]:
    """Every saved run under ``results``, oldest first."""
    if not results.is_dir():
        return []
    runs = [p for p in results.rglob("*.json") if RUN_NAME.match(p.name)]
    return sorted(runs, key=lambda p: (p.stat().st_mtime, p.name))


def resolve(spec: str, results: Path) -> Path:
    """A run given as a path, or as its number (``0003``) as pytest-benchmark names it."""
    path = Path(spec)
    if path.suffix == ".json" or os.sep in spec or path.exists():
        if not path.exists():
            raise UserError(f"no such file: {spec}")
        return path
    if not re.fullmatch(r"\d{1,4}", spec):
        raise UserError(f"{spec!r} is neither a run file nor a run number like 0003")
    number = f"{int(spec):04d}"
    matches = [p for p in saved_runs(results) if p.name.startswith(number + "_")]
    if not matches:
        raise UserError(f"no saved run numbered {number} under {results}/")
    if len(matches) > 1:
        listed = ", ".join(str(p) for p in matches)
        raise UserError(f"run number {number} matches {len(matches)} runs; give a path instead: {listed}")
    return matches[0]


def newest(results: Path) -> Path:
    runs = saved_runs(results)
    if not runs:
        raise UserError(f"no saved runs under {results}/: run `nox -s bench` first")
    return runs[-1]
