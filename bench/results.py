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
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from . import FORMAT_VERSION
from .errors import UserError
from .migrations import migrate
from .vocabulary import (
    DUEL_BASES,
    DUEL_OUTCOMES,
    DUEL_REASONS,
    FIGURES,
    JUDGED_MEASURES,
    JUDGEMENTS,
    PAIRED,
    SCALING,
    UNITS,
)

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
    """Finished cases, one JSON line each, flushed as they finish, so an interrupted or killed run keeps them.

    The first line is the run's header (everything of the run file but its cases), made when
    the first case finishes, so a journal left by a killed harness holds a whole run.
    """

    def __init__(self, path: Path, header: Callable[[], dict[str, Any]] | None = None) -> None:
        self.path = path
        self._header = header
        self._file: IO[str] | None = None  # made on the first entry: a run that finishes nothing leaves nothing

    def append(self, entry: dict[str, Any]) -> None:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a")
            if self._header is not None:
                self._write({"kind": "header", "header": self._header()})
        self._write(entry)

    def _write(self, entry: dict[str, Any]) -> None:
        assert self._file is not None
        self._file.write(json.dumps(entry, default=repr) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def entries(self) -> list[dict[str, Any]]:
        """Every entry but the header; a line cut short by a kill is left out."""
        return self.read()[1]

    def read(self) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """The header (None if there is none) and the entries."""
        if not self.path.exists():
            return None, []
        header, entries = None, []
        for line in self.path.read_text().splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # the last line of a killed writer
            if entry.get("kind") == "header":
                header = entry["header"]
            else:
                entries.append(entry)
        return header, entries

    def remove(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self.path.unlink(missing_ok=True)


def assemble(header: dict[str, Any], entries: list[dict[str, Any]], partial: bool) -> dict[str, Any]:
    """A run file from a journal's header and entries."""
    machine_info = dict(header["machine_info"])
    machine_info["bench_run"] = {
        **machine_info.get("bench_run", {}),
        "partial": partial,
        "failed": [e["entry"] for e in entries if e["kind"] == "failed"],
        "skipped": [e["entry"] for e in entries if e["kind"] == "skipped"],
        "duels": [e["entry"] for e in entries if e["kind"] == "duel"],
    }
    return {
        "machine_info": machine_info,
        "commit_info": header.get("commit_info", {}),
        "benchmarks": [e["entry"] for e in entries if e["kind"] == "benchmark"],
        "datetime": datetime.now(UTC).isoformat(),
        "version": header.get("version", ""),
    }


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def salvage(results: Path) -> list[Path]:
    """Turn the journals of runs that died (killed, the machine lost) into partial runs; their paths.

    A journal whose harness is still running is left alone.
    """
    saved = []
    for path in sorted(results.rglob(".journal-*.jsonl")) if results.is_dir() else []:
        match = re.fullmatch(r"\.journal-(\d+)\.jsonl", path.name)
        if match is None or _alive(int(match.group(1))):
            continue
        header, entries = Journal(path).read()
        if header is None or not any(e["kind"] in ("benchmark", "failed") for e in entries):
            continue  # nothing measured, or a journal of a format before headers: nothing to make a run of
        run = assemble(header, entries, partial=True)
        commit = str(run["commit_info"].get("id") or "unversioned")
        target = next_run_path(path.parent, commit, partial=True)
        write_json_atomic(target, run)
        path.unlink()
        saved.append(target)
    return saved


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
    run = migrate(data, version)
    unknown = unknown_names(run)
    if unknown:
        raise UserError(
            f"{path} holds {'a name' if len(unknown) == 1 else 'names'} this concurrency-bench does not know: "
            f"{'; '.join(unknown)} (a typo where it was written, or a run from a newer version: upgrade to read it)"
        )
    run["_path"] = str(path)
    return run


def unknown_names(run: dict[str, Any]) -> list[str]:
    """What of a run's workload, executor and duel facts is not in ``bench.vocabulary``, in words (empty: all known).

    The analysis decides by these names (how a workload is judged and drawn, what an executor's unit is): one it
    did not know would silently get a generic verdict, or no figure, so a file holding one is refused instead.
    """
    bench_run = run["machine_info"].get("bench_run") or {}
    found = []
    for name, facts in (bench_run.get("workloads") or {}).items():
        judged_by, figure = facts.get("judged_by", PAIRED), facts.get("figure", SCALING)
        if judged_by not in JUDGEMENTS:
            found.append(f"workload {name!r} is judged by {judged_by!r} (known: {', '.join(JUDGEMENTS)})")
        if figure not in FIGURES:
            found.append(f"workload {name!r} is drawn as {figure!r} (known: {', '.join(FIGURES)})")
        declared = {str(measure.get("name")) for measure in facts.get("measures") or []}
        missing = [measure for measure in JUDGED_MEASURES.get(judged_by, ()) if measure not in declared]
        if missing:
            found.append(f"workload {name!r}, judged by {judged_by!r}, lacks the measures {', '.join(missing)}")
    for name, facts in (bench_run.get("executors") or {}).items():
        unit = facts.get("unit")
        if unit is not None and unit not in UNITS:
            found.append(f"executor {name!r} has the unit {unit!r} (known: {', '.join(UNITS)})")
    for duel in bench_run.get("duels") or []:
        for key, known in (("why", DUEL_REASONS), ("basis", DUEL_BASES), ("outcome", DUEL_OUTCOMES)):
            value = duel.get(key)
            if value is not None and value not in known:
                found.append(f"a duel on {duel.get('workload')!r} has the {key} {value!r} (known: {', '.join(known)})")
    return found


def sizes_of(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The workload parameter values a saved run used (UserError if it does not record them)."""
    values = run["machine_info"].get("bench_run", {}).get("config", {}).get("values")
    if not isinstance(values, dict):
        raise UserError(f"{run.get('_path', 'the run')}: the run does not record its sizes (bench_run.config.values)")
    return values


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
