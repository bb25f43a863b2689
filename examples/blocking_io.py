"""Blocking I/O: one HTTP request per task to the harness's local server. Threads, gevent and asyncio all help.

A task spends its time waiting for the answer, not computing: while one waits,
others run, whichever model runs them. ``BENCH_NEEDS_SERVER = True`` asks the
harness for its local server (loopback only), whose address arrives in
``BENCH_SERVER_URL``; it answers ``GET /delay?ms=L&id=I`` with ``ok I`` after L ms.
``fetch`` is the plain form (sequential, threads, processes, gevent); ``afetch``
the async one (asyncio, with aiohttp).

    python -m bench run --workloads examples/blocking_io.py:fetch+afetch
"""

from __future__ import annotations

import asyncio
import http.client
import os
import threading
from typing import Any
from urllib.parse import urlsplit

BENCH_NEEDS_SERVER = True
WAIT_MS = 20

_local = threading.local()  # one keep-alive connection per thread (or greenlet, or pool process)
_sessions: dict[int, Any] = {}  # one aiohttp session per event loop


def _address() -> tuple[str, int]:
    url = urlsplit(os.environ["BENCH_SERVER_URL"])
    return url.hostname or "127.0.0.1", url.port or 80


def fetch(i: int) -> str:
    """GET /delay for task i over this thread's connection; the answer's body."""
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = http.client.HTTPConnection(*_address(), timeout=60)
    conn.request("GET", f"/delay?ms={WAIT_MS}&id={i}")
    return conn.getresponse().read().decode()


async def afetch(i: int) -> str:
    """The same request with aiohttp, on this event loop's session."""
    import aiohttp

    loop = asyncio.get_running_loop()
    session = _sessions.get(id(loop))
    if session is None:
        host, port = _address()
        session = _sessions[id(loop)] = aiohttp.ClientSession(f"http://{host}:{port}")
    async with session.get(f"/delay?ms={WAIT_MS}&id={i}") as response:
        return await response.text()
