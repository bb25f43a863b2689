"""What a run asks for that parsing cannot see, checked before anything runs.

Each check raises a ``UserError`` (one line for the user): an executor named but
not installed here, a server port taken, a results folder that cannot hold runs.
A bad run then costs one line, and nothing is measured or written.
"""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .. import machine
from ..errors import UserError
from ..server import HOST
from ..worker.executors import info, missing_requirements
from .interpreters import Interpreter


def check_executors(names: Sequence[str], pythons: Sequence[Interpreter] | None = None) -> None:
    """UserError for an executor asked for by name that cannot run here (under none of ``pythons``)."""
    if pythons:
        for name in names:
            executor = info(name)
            if all(
                python.missing(executor.requires)
                or (python.facts.get("free_threaded_build") and not executor.free_threaded)
                for python in pythons
            ):
                raise UserError(f"executor {name!r} cannot run under any interpreter of --python (see bench list)")
        return
    for name in names:
        missing = missing_requirements(name)
        if missing:
            how = info(name).install or f"pip install {' '.join(missing)}"
            raise UserError(
                f"executor {name!r} needs {', '.join(missing)}, which is not installed here "
                f"({how}, or leave {name} out of --executors)"
            )
        if machine.free_threaded_build() and not info(name).free_threaded:
            raise UserError(
                f"{name} does not run on free-threaded builds: {info(name).not_free_threaded}; "
                "leave it out of --executors"
            )


def check_port_free(port: int) -> None:
    """UserError now, before anything runs, if the asked-for server port is taken."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            raise UserError(
                f"--server-port {port}: cannot bind {HOST}:{port} ({exc.strerror}); "
                "choose another port or 0 for any free one"
            ) from None


def check_results_folder(results: str, option: str = "--results") -> None:
    """UserError now if ``results`` cannot hold saved runs: tried for real, not guessed from permissions.

    A folder is made in the nearest existing parent and removed again: /proc, a read-only
    mount or a file in the way fail here, before anything is measured.
    """
    path = Path(results)
    existing = next((p for p in (path, *path.parents) if p.exists()), Path())
    if not existing.is_dir():
        raise UserError(f"{option} {results}: {existing} is a file, not a folder")
    try:
        Path(tempfile.mkdtemp(prefix=".bench-probe-", dir=existing)).rmdir()
    except OSError as exc:
        raise UserError(f"{option} {results}: cannot write in {existing} ({exc.strerror or exc})") from None
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UserError(f"{option} {results}: {existing} is not writable")
