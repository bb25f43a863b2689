"""Hashing 4 MiB buffers with hashlib: the C code releases the GIL, so threads DO scale.

hashlib drops the GIL while it hashes a buffer of more than 2 KiB, so two threads
hash on two cores at once. ``setup`` makes the buffer once in every process,
before timing.

    python -m bench run --workloads examples/hashing.py:digest --setup examples/hashing.py:setup
"""

from __future__ import annotations

import hashlib

BUFFER_BYTES = 4 * 1024 * 1024
_buffer = b""


def setup() -> None:
    """Once per process: the buffer every task hashes (so making it is not timed)."""
    global _buffer
    _buffer = bytes(range(256)) * (BUFFER_BYTES // 256)


def digest(i: int) -> str:
    """SHA-256 of the buffer, salted with the task index so every task's answer differs."""
    hasher = hashlib.sha256(i.to_bytes(8, "little"))
    hasher.update(_buffer)
    return hasher.hexdigest()
