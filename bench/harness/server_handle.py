"""The harness's side of the local HTTP server: start it, ask for its stats, stop it (or leave a ``with``)."""

from __future__ import annotations

import http.client
import json
from typing import Any

from ..errors import UserError
from ..server import HOST
from .child import Child, ChildError, python_argv

START_TIMEOUT_S = 15.0


class ServerHandle:
    """A running ``bench.server``; ``url`` is where the http workload sends its requests."""

    def __init__(self, port: int = 0, start_timeout: float = START_TIMEOUT_S) -> None:
        self.child = Child(python_argv("bench.server", "--port", str(port)), "the local HTTP server")
        try:
            ready = self.child.receive(start_timeout)
        except ChildError as exc:
            self.child.stop(polite=None)
            raise UserError(f"the local HTTP server did not start: {exc}") from None
        except BaseException:  # Ctrl-C while it starts: it is in its own session, so stop it here
            self.child.stop(polite=None)
            raise
        if ready.get("event") != "ready":
            self.child.stop(polite=None)
            raise UserError(f"the local HTTP server did not start: {ready.get('message', ready)}")
        self.port = int(ready["port"])
        self.url = f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        return self.child.pid

    def stats(self, reset: bool = False) -> dict[str, Any]:
        """Requests served and the server's own overhead (p50/p99 ms) since the last reset."""
        # http.client, not urllib: urllib would honour a proxy from the environment.
        conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
        try:
            conn.request("GET", "/stats?reset=1" if reset else "/stats")
            result: dict[str, Any] = json.loads(conn.getresponse().read())
        finally:
            conn.close()
        return result

    def stop(self) -> None:
        self.child.stop(polite=None, grace=2.0)

    def __enter__(self) -> ServerHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
