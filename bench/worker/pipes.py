"""A lock and a queue made of OS pipes, usable from every interpreter of a process (and from forked children).

Why pipes: subinterpreters share a process but no Python objects. ``threading``
locks and ``queue.Queue`` cannot cross to another interpreter, and the
cross-interpreter queues of the ``backports.interpreters`` package are unsafe
on 3.12 (the channel is destroyed when any interpreter drops its copy, and
closing an interpreter that touched one hangs) and race on 3.13 (a bounded
``put`` can fail with QueueFull). File descriptors belong to the process, so a
pipe works the same from every interpreter, and a blocking ``os.read`` releases
only the calling interpreter's GIL.

The queue is built like ``multiprocessing.SimpleQueue``, which the processes
executor uses: one pipe for the items (pickled, length-prefixed), a lock for the
readers and one for the writers, so the comparison between the two executors is
about their units, not their plumbing. As there, the pipe's buffer is the bound.
A lock is a pipe holding one token byte: acquiring reads it, releasing writes it
back. Objects pickle as their descriptors: a copy in another interpreter uses the
same pipes and never closes them; only the owner's ``close`` does.
"""

from __future__ import annotations

import os
import pickle
import struct
from typing import Any

_HEADER = struct.Struct("!Q")  # the length of the pickled item that follows


def _read_exactly(fd: int, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, left)
        if not chunk:
            raise EOFError("the pipe was closed")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class PipeLock:
    """A mutex whose token is one byte in a pipe: every interpreter and child process can hold it."""

    def __init__(self, fds: tuple[int, int] | None = None) -> None:
        self._owner = fds is None
        if fds is None:
            fds = os.pipe()
            os.write(fds[1], b"\0")  # the token: the lock starts free
        self.fds = fds

    def __reduce__(self) -> tuple[Any, ...]:
        return (PipeLock, (self.fds,))

    def acquire(self) -> None:
        _read_exactly(self.fds[0], 1)

    def release(self) -> None:
        os.write(self.fds[1], b"\0")

    def __enter__(self) -> PipeLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def close(self) -> None:
        if self._owner:
            for fd in self.fds:
                os.close(fd)
            self._owner = False


class PipeQueue:
    """A FIFO of picklable items over one pipe; put blocks while the pipe's buffer is full."""

    def __init__(self, state: tuple[tuple[int, int], PipeLock, PipeLock] | None = None) -> None:
        self._owner = state is None
        if state is None:
            state = (os.pipe(), PipeLock(), PipeLock())
        self.fds, self._rlock, self._wlock = state

    def __reduce__(self) -> tuple[Any, ...]:
        return (PipeQueue, ((self.fds, self._rlock, self._wlock),))

    def put(self, item: Any) -> None:
        data = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
        with self._wlock:
            _write_all(self.fds[1], _HEADER.pack(len(data)) + data)

    def get(self) -> Any:
        with self._rlock:
            (size,) = _HEADER.unpack(_read_exactly(self.fds[0], _HEADER.size))
            data = _read_exactly(self.fds[0], size)
        return pickle.loads(data)

    def close(self) -> None:
        if self._owner:
            for fd in self.fds:
                os.close(fd)
            self._rlock.close()
            self._wlock.close()
            self._owner = False
