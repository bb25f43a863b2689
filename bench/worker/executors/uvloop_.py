"""asyncio tasks on uvloop's event loop (libuv, in C): the asyncio executor with another loop.

Everything but the loop is the asyncio executor's (tasks, ``asyncio.Queue``, the
aiohttp client), so a difference between the two is the loop's. uvloop is
imported only when the worker builds its loop (``new_event_loop``), never when the
harness reads ``INFO``. It has no Windows build and cannot be imported in a
subinterpreter; where it is not installed its cases are skipped with that reason
(``pip install uvloop``, or the ``uvloop`` extra of this project).
"""

from __future__ import annotations

import asyncio
from typing import Any

from . import ExecutorInfo, asyncio_, register

INFO = ExecutorInfo(
    name="uvloop",
    style="async",
    parallel_cpu=False,
    summary="asyncio tasks on uvloop's event loop; asyncio.Queue; aiohttp client",
    unit="task",
    rank=55,
    color="tab:pink",
    default=False,
    offers=asyncio_.OFFERS,  # the asyncio executor's primitives, on uvloop's loop
    requires=("uvloop", "aiohttp"),
    distributions={"uvloop": "uvloop", "aiohttp": "aiohttp"},
    extra="uvloop",
    install_hint="pip install uvloop (or concurrency-bench[uvloop])",
)


class Executor(asyncio_.Executor):
    def new_event_loop(self) -> asyncio.AbstractEventLoop:
        """The loop the worker runs every round in (and the paired baseline, in the same loop)."""
        import uvloop

        loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
        return loop

    def facts(self) -> dict[str, Any]:
        from importlib import metadata

        return {"loop": "uvloop.Loop", "uvloop": metadata.version("uvloop")}


register(INFO, Executor)
