"""The local HTTP server that workloads needing one talk to: aiohttp, in its own process, on loopback.

``GET /delay?ms=L&id=I`` answers ``ok I`` after L milliseconds. ``GET /stats``
returns how many requests were served and the server's own handling time beyond
the asked-for delay, so a busy server can be told apart from a slow client;
``/stats?reset=1`` starts a new count. The process ends when its stdin closes,
so it cannot outlive the harness.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import sys
import time

from . import HOST


def _percentile_ms(values: list[float], q: int) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0] * 1e3
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1e3


async def serve(sock: socket.socket) -> None:
    from aiohttp import web  # only the server process needs aiohttp

    overheads: list[float] = []  # handling time beyond the asked-for delay, seconds

    async def delay(request: web.Request) -> web.Response:
        started = time.perf_counter()
        try:
            wait_s = float(request.query.get("ms", "0")) / 1e3
            item = request.query["id"]
        except (KeyError, ValueError):
            return web.Response(status=400, text="need ms=<number> and id=<item>")
        await asyncio.sleep(wait_s)
        response = web.Response(text=f"ok {item}")
        overheads.append(max(0.0, time.perf_counter() - started - wait_s))
        return response

    async def stats(request: web.Request) -> web.Response:
        body = {
            "requests": len(overheads),
            "overhead_ms": {"p50": _percentile_ms(overheads, 50), "p99": _percentile_ms(overheads, 99)},
        }
        if request.query.get("reset"):
            overheads.clear()
        return web.json_response(body)

    app = web.Application()
    app.router.add_get("/delay", delay)
    app.router.add_get("/stats", stats)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    print(json.dumps({"event": "ready", "port": sock.getsockname()[1]}), flush=True)

    closed = asyncio.Event()
    loop = asyncio.get_running_loop()
    stdin = sys.stdin.fileno()
    loop.add_reader(stdin, lambda: closed.set() if not os.read(stdin, 4096) else None)
    await closed.wait()
    await runner.cleanup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="0: an ephemeral port")
    parser.add_argument("--backlog", type=int, default=4096)
    args = parser.parse_args()
    try:  # one socket per client connection: take what the hard limit allows
        import resource

        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ImportError, ValueError, OSError):
        pass
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, args.port))
    except OSError as exc:
        print(
            json.dumps(
                {"event": "error", "type": "PortInUse", "message": f"cannot bind {HOST}:{args.port}: {exc.strerror}"}
            ),
            flush=True,
        )
        return 1
    sock.listen(args.backlog)
    sock.setblocking(False)
    asyncio.run(serve(sock))
    return 0
