"""Pool processes that die with their worker: a watchdog thread started by each pool initializer.

The harness stops a worker by killing its whole process group, which reaches its
pool processes too. But a worker killed on its own (SIGKILL, the OOM killer) or a
harness killed with its workers leaves their pool processes behind: idle
``ProcessPoolExecutor`` processes and busy ones of either pool live on, re-parented
to init, and the forkserver with them. ``prctl(PR_SET_PDEATHSIG)`` does not reach
a forkserver's children (their parent is the forkserver), so each pool process
watches the worker itself and exits once it is gone (within ``interval``).
"""

from __future__ import annotations

import os
import threading
import time

INTERVAL_S = 0.2  # one wake-up per 0.2 s: no measurable cost, and orphans gone within a fraction of a second


def exit_with(pid: int, interval: float = INTERVAL_S) -> None:
    """Start a daemon thread that ends this process (``os._exit``) once process ``pid`` has gone."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(interval)
            # Re-parented (our parent died, even if not reaped yet) or the worker itself gone.
            if (parent == pid and os.getppid() != parent) or gone(pid):
                os._exit(1)

    threading.Thread(target=watch, name="bench-orphan-watchdog", daemon=True).start()


def gone(pid: int) -> bool:
    """Whether process ``pid`` has ended: no such process, or a zombie (dead, not yet reaped by its parent)."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):  # PermissionError: the pid now names another user's process
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:  # noqa: PTH123 - a raw read, no pathlib needed per tick
            state = stat.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):  # no /proc (macOS): a zombie worker is reaped by the harness soon enough
        return False
    return state in (b"Z", b"X")
