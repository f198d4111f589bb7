"""A sender that dies mid-upload leaves one INFO line in the receiver's log, not a traceback."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator

import pytest
import uvicorn

from tests.conftest import AppClient
from tests.support.nodes import free_port, wait_until


@pytest.fixture
def served(client: AppClient) -> Iterator[int]:
    """The CQ app served by uvicorn on a loopback port (its lifespan already runs)."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(client.app, host="127.0.0.1", port=port,
                                           lifespan="off", log_level="info"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, message="uvicorn to start")
    yield port
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.parametrize("path", ["/exchange/events/exchange.probe",
                                  "/exchange/call/exchange.ping"])
def test_a_partial_upload_is_dropped_quietly(served: int, path: str,
                                             caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{served}\r\n"
            f"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", served), timeout=10) as sock:
        sock.sendall(head + b'{"producer": "SC", "events": [' + b" " * 4000)
    wait_until(lambda: "disconnected after" in caplog.text, message="the disconnect logged")
    lines = [r for r in caplog.records if "disconnected after" in r.getMessage()]
    assert len(lines) == 1 and lines[0].levelname == "INFO"
    assert path in lines[0].getMessage()
    noisy = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not noisy, [r.getMessage() for r in noisy]
    assert "Traceback" not in caplog.text
