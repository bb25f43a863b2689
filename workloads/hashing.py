"""GIL-releasing C work: SHA-256 over buffers of 1 MiB, the total split over tasks. Threads DO scale here.

hashlib lets go of the GIL while it hashes more than 2 KiB at once
(``HASHLIB_GIL_MINSIZE``), so threads hash on every core: the other half of the
``cpu`` lesson. At 2 KiB per buffer the GIL is dropped and taken back around
every hash of a microsecond or two, and two threads can run slower than one;
large buffers let each thread keep a core (``--hashing-buffer-kib`` shows both). Coroutines still
run one hash at a time. Each task hashes one buffer salted with its index, so
every answer differs; the digests of a round are checked against the same
digests computed once, sequentially, before timing.
"""

from __future__ import annotations

import hashlib
from typing import Any

from . import AsyncExecutor, Outcome, Param, ProcessSetup, SyncExecutor, Workload, register

_buffer = b""  # this process's buffer, made by ``make_buffer`` before timing
_references: dict[tuple[int, int], str] = {}  # (buffer size, tasks) -> the combined digest, computed once


def make_buffer(size: int) -> None:
    """Once per process (the pool's too, through ``process_setup``): the bytes every task hashes."""
    global _buffer
    if len(_buffer) != size:
        _buffer = bytes(range(256)) * (size // 256) + bytes(size % 256)


def digest(index: int) -> bytes:
    """SHA-256 of this process's buffer, salted with the task's index."""
    hasher = hashlib.sha256(index.to_bytes(8, "little"))
    hasher.update(_buffer)
    return hasher.digest()


async def digest_async(index: int) -> bytes:
    return digest(index)


def combined(digests: list[bytes]) -> str:
    """One value for the whole round: the digest of the digests, in task order."""
    return hashlib.sha256(b"".join(digests)).hexdigest()


@register
class Hashing(Workload):
    name = "hashing"
    unit = "MiB/s"
    size_param = "mib"
    heatmap = True
    warmup_seconds = 1.0  # its speedup is paired (a sequential round beside each), so a slow start cancels out
    params = (
        Param("mib", "int", 128, 16, "MiB hashed per round (buffers x buffer size)"),
        Param("buffer_kib", "int", 1024, 1024, "KiB per buffer, one buffer per task (hashlib drops the GIL > 2)"),
    )

    @classmethod
    def describe(cls, values: dict[str, Any]) -> str:
        kib = int(values["buffer_kib"])
        size = f"{kib // 1024} MiB" if kib % 1024 == 0 else f"{kib} KiB"
        return f"SHA-256 of {int(values['mib']):,} MiB per round in buffers of {size}, one buffer per task (C code)"

    def __init__(self, workers: int, values: dict[str, Any], context: dict[str, Any]) -> None:
        super().__init__(workers, values, context)
        self.size = int(self.p["buffer_kib"]) * 1024
        self.tasks = max(1, int(self.p["mib"]) * 1024 * 1024 // self.size)

    def process_setup(self) -> ProcessSetup:
        return (make_buffer, (self.size,))

    def _reference(self) -> str:
        """The round's right answer, computed one buffer after another in this process, once (untimed in prepare).

        Kept per process, so the sequential baseline of a paired case (never prepared) finds it too.
        """
        make_buffer(self.size)
        key = (self.size, self.tasks)
        if key not in _references:
            _references[key] = combined([digest(index) for index in range(self.tasks)])
        return _references[key]

    def prepare_sync(self, ex: SyncExecutor) -> None:
        self._reference()

    async def prepare_async(self, ex: AsyncExecutor) -> None:
        self._reference()

    def _outcome(self, digests: list[bytes]) -> Outcome:
        mib = self.tasks * self.size / (1024 * 1024)
        return Outcome(value=combined(digests), expected=self._reference(), amount=mib)

    def run_sync(self, ex: SyncExecutor) -> Outcome:
        return self._outcome(ex.map(digest, list(range(self.tasks))))

    async def run_async(self, ex: AsyncExecutor) -> Outcome:
        return self._outcome(await ex.map(digest_async, list(range(self.tasks))))
