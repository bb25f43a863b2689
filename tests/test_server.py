"""bench.server and bench.server_handle: the local HTTP server, on loopback only, always stopped."""

from __future__ import annotations

import http.client
import socket
import time
from collections.abc import Iterator

import psutil
import pytest
from conftest import assert_none_left

from bench.errors import UserError
from bench.harness.child import Child, python_argv
from bench.harness.server_handle import ServerHandle


@pytest.fixture
def server(process_tag: str) -> Iterator[ServerHandle]:
    with ServerHandle() as handle:
        yield handle


def get(port: int, path: str) -> tuple[int, str, float]:
    """GET ``path`` from 127.0.0.1:``port``: status, body and seconds taken."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    started = time.perf_counter()
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode(), time.perf_counter() - started
    finally:
        conn.close()


def test_starts_on_loopback_with_an_ephemeral_port(server: ServerHandle) -> None:
    """The handle knows the port the server chose and gives the workload a 127.0.0.1 URL."""
    assert server.port > 0
    assert server.url == f"http://127.0.0.1:{server.port}"
    assert psutil.Process(server.pid).is_running()


def test_delay_answers_ok_and_the_id_after_the_delay(server: ServerHandle) -> None:
    """/delay?ms=L&id=I answers 'ok I' after about L (at least L, and not seconds more)."""
    status, body, seconds = get(server.port, "/delay?ms=200&id=item-7")
    assert (status, body) == (200, "ok item-7")
    assert 0.19 <= seconds < 5.0
    status, body, _ = get(server.port, "/delay?ms=0&id=0")
    assert (status, body) == (200, "ok 0")


@pytest.mark.parametrize("query", ["/delay?ms=abc&id=1", "/delay?ms=5", "/delay?id=1&ms=", "/delay"])
def test_bad_query_is_400(server: ServerHandle, query: str) -> None:
    """A missing id or a delay that is not a number is a 400 saying what is needed, and is not counted."""
    server.stats(reset=True)
    status, body, _ = get(server.port, query)
    assert status == 400
    assert "ms=" in body and "id=" in body
    assert server.stats()["requests"] == 0


def test_stats_counts_and_resets(server: ServerHandle) -> None:
    """/stats counts the /delay requests since the last reset; reset=1 returns the count then starts again."""
    server.stats(reset=True)
    for item in range(3):
        assert get(server.port, f"/delay?ms=1&id={item}")[0] == 200
    stats = server.stats()
    assert stats["requests"] == 3
    assert set(stats["overhead_ms"]) == {"p50", "p99"}
    assert all(value >= 0 for value in stats["overhead_ms"].values())
    assert server.stats(reset=True)["requests"] == 3
    assert server.stats()["requests"] == 0


def test_binds_127_0_0_1_only(server: ServerHandle) -> None:
    """Every listening socket of the server process is on 127.0.0.1, none on a wildcard address."""
    listening = [c for c in psutil.Process(server.pid).net_connections(kind="inet") if c.status == psutil.CONN_LISTEN]
    assert listening
    assert {c.laddr.ip for c in listening} == {"127.0.0.1"}
    assert server.port in {c.laddr.port for c in listening}


def test_stop_ends_the_process_and_frees_the_port(process_tag: str) -> None:
    """After stop() the process is gone, nothing answers on the port, and the port can be bound again."""
    handle = ServerHandle()
    pid, port = handle.pid, handle.port
    assert get(port, "/delay?ms=0&id=1")[0] == 200
    handle.stop()
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), timeout=5):
        pass
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as again:
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # the port's closed connections may linger
        again.bind(("127.0.0.1", port))
        again.listen(1)
    assert_none_left(process_tag)


def test_exits_when_its_stdin_closes(process_tag: str) -> None:
    """The server cannot outlive the harness: end of its input ends it, with exit code 0."""
    child = Child(python_argv("bench.server"), "the test server")
    try:
        assert child.receive(15)["event"] == "ready"
        assert child.proc.stdin is not None
        child.proc.stdin.close()
        assert child.proc.wait(timeout=10) == 0
    finally:
        child.stop(polite=None)


def test_a_taken_port_is_a_clear_user_error_quickly(process_tag: str) -> None:
    """ServerHandle(port) on a port held by another socket raises UserError naming the port, without hanging."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(UserError) as error:
            ServerHandle(port)
        assert time.monotonic() - started < 10
    message = str(error.value)
    assert f"127.0.0.1:{port}" in message
    assert "did not start" in message
    assert "\n" not in message
