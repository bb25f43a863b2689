"""A child process the harness owns: its own process group, JSON lines, and a sure kill.

Both the case workers and the HTTP server are children like this. Each starts in
a new session, so Ctrl-C in the terminal reaches the harness alone and the
harness decides how they stop; stopping kills the whole group and any
descendant that left it (nox ``_stop_procs``: polite, deadline, SIGKILL).
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from typing import Any

import psutil


class ChildError(Exception):
    """The child died, hung or said something that is not the protocol."""

    def __init__(self, message: str, kind: str = "ChildError", traceback: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.traceback = traceback


class Child:
    """One child process speaking JSON lines on stdout and reading commands on stdin."""

    def __init__(
        self, argv: list[str], name: str, env: dict[str, str] | None = None, stacks_signal: int | None = None
    ) -> None:
        self.name = name
        self.stacks_signal = stacks_signal  # asks the child for its threads' stacks on stderr (a hung worker)
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the child, closed in stop()
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            start_new_session=True,  # own process group: killpg reaches pool processes too
            close_fds=True,
            env={**os.environ, **env} if env else None,  # PYTHON_GIL for a free-threaded interpreter's twin runs
        )
        assert self.proc.stdout is not None and self.proc.stdin is not None
        self._selector = selectors.DefaultSelector()
        self._selector.register(self.proc.stdout, selectors.EVENT_READ)
        self._buffer = b""
        self._known: dict[int, psutil.Process] = {}
        self.hung = False  # made no progress within a receive's timeout

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stderr_tail(self, lines: int = 20) -> str:
        self._stderr.seek(0)
        text = self._stderr.read().decode(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(line.encode() + b"\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise self._died(f"could not send {line!r}: {exc}") from None

    def receive(self, timeout: float) -> dict[str, Any]:
        """The next message, waiting at most ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                self.hung = True  # it will not answer a polite "quit" either
                raise ChildError(
                    f"{self.name} made no progress for {timeout:g} s (no answer): hung, so its process tree is killed",
                    kind="Timeout",
                    traceback=self._stacks(),
                )
            if self._selector.select(min(left, 0.5)):
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise self._died("closed its output")
                self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            message = json.loads(line)
        except ValueError:
            raise ChildError(f"{self.name} wrote a line that is not the protocol: {line[:200]!r}") from None
        return message if isinstance(message, dict) else {"event": "invalid", "raw": message}

    def _stacks(self, wait_s: float = 0.3) -> str:
        """The hung child's own account of where its threads are (its stderr after the signal), or ""."""
        if self.stacks_signal is None or self.proc.poll() is not None:
            return ""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(self.proc.pid, self.stacks_signal)
            time.sleep(wait_s)
            return self.stderr_tail(80)
        return ""

    def _died(self, what: str) -> ChildError:
        try:
            code = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            code = None
        if code is not None and code < 0:
            how = f"was killed by {signal.Signals(-code).name}"
        elif code is not None:
            how = f"exited with code {code}"
        else:
            how = "stopped answering"
        tail = self.stderr_tail()
        last = tail.splitlines()[-1].strip() if tail.strip() else ""
        return ChildError(
            f"{self.name} {how} ({what})" + (f": {last}" if last else ""), kind="WorkerDied", traceback=tail
        )

    def tree(self) -> list[psutil.Process]:
        """The child and its live descendants (remembered, so leavers are still found)."""
        try:
            root = psutil.Process(self.proc.pid)
            for proc in [root, *root.children(recursive=True)]:
                self._known.setdefault(proc.pid, proc)
        except psutil.Error:
            pass
        return [p for p in self._known.values() if _alive(p)]

    def stop(self, grace: float = 2.0, polite: str | None = "quit") -> None:
        """Ask politely (unless it hung), then SIGTERM the group, then SIGKILL whatever is left; always reaps."""
        if self.proc.poll() is None:
            self.tree()
            if polite and not self.hung:
                try:
                    self.send(polite)
                    self.proc.wait(timeout=grace)
                except (ChildError, subprocess.TimeoutExpired):
                    pass
        for sig in (signal.SIGTERM, signal.SIGKILL):
            live = self.tree()
            if not live and self.proc.poll() is not None:
                break
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, sig)
            for proc in live:
                with contextlib.suppress(psutil.Error):
                    proc.send_signal(sig)
            psutil.wait_procs(live, timeout=grace if sig == signal.SIGTERM else 5)
        with contextlib.suppress(subprocess.TimeoutExpired):  # SIGKILL does not fail; never hang here
            self.proc.wait(timeout=5)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()
        self._selector.close()
        self._stderr.close()


def _alive(proc: psutil.Process) -> bool:
    """Running and not a zombie (a dead pool process waiting for init to reap it)."""
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def python_argv(module: str, *args: str, python: str | None = None) -> list[str]:
    """``python -m module args``, run by ``python`` (an interpreter of --python) or the harness's own."""
    return [python or sys.executable, "-m", module, *args]
