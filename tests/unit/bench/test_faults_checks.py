"""The fault soak's checks find lost, doubled and stale events, and stuck window cases."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import threading
from pathlib import Path

import pytest

from bench import faults_checks as checks
from bench.faultproxy import Forwarder
from tests.support.nodes import free_port

SCHEMA = """
CREATE TABLE exchange_stream_head (stream TEXT, last_seq INT);
CREATE TABLE exchange_delivery (subscriber TEXT, stream TEXT, acked_seq INT);
CREATE TABLE exchange_inbox_cursor (producer TEXT, stream TEXT, applied_seq INT);
CREATE TABLE exchange_inbox_refused (producer TEXT, stream TEXT, seq INT);
CREATE TABLE exchange_inbox_held (producer TEXT, stream TEXT, seq INT);
CREATE TABLE exchange_outbox (stream TEXT, seq INT);
CREATE TABLE exchange_probe (producer TEXT, seq INT);
CREATE TABLE ledger_entry (id TEXT, owner TEXT, version INT);
CREATE TABLE window_case (id INT, case_number TEXT, status TEXT);
CREATE TABLE window_case_event (case_id INT, seq INT, action TEXT);
"""


@pytest.fixture
def dbs(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for member in checks.MEMBERS:
        out[member] = tmp_path / f"{member}.db"
        with sqlite3.connect(out[member]) as c:
            c.executescript(SCHEMA)
    return out


def run(db: Path, sql: str, *rows: tuple[object, ...]) -> None:
    with sqlite3.connect(db) as c:
        c.executemany(sql, rows)


def probes(dbs: dict[str, Path], sent: list[int], applied: list[int]) -> None:
    run(dbs["CQ"], "INSERT INTO exchange_outbox VALUES ('exchange.probe', ?)",
        *[(s,) for s in sent])
    run(dbs["SC"], "INSERT INTO exchange_probe VALUES ('CQ', ?)", *[(s,) for s in applied])


def test_probe_applied_once_each_passes(dbs: dict[str, Path]) -> None:
    probes(dbs, [1, 2, 3], [1, 2, 3])
    assert checks.probe_check(dbs) == {"published": 3, "delivered": 3, "lost": 0, "doubled": 0}


def test_probe_missing_or_repeated_is_counted(dbs: dict[str, Path]) -> None:
    probes(dbs, [1, 2, 3], [1, 1, 3])
    found = checks.probe_check(dbs)
    assert (found["lost"], found["doubled"]) == (1, 1)


def test_replica_missing_or_behind_is_lost(dbs: dict[str, Path]) -> None:
    sql = "INSERT INTO ledger_entry VALUES (?, 'CQ', ?)"
    run(dbs["CQ"], sql, ("a", 1), ("b", 2), ("c", 1))
    run(dbs["SC"], sql, ("a", 1), ("b", 1))
    assert checks.replica_check(dbs, "ledger_entry", "owner") == {
        "owned": 3, "lost": 1, "doubled": 0, "stale": 1}


def test_stream_gap_shows_published_beyond_applied(dbs: dict[str, Path]) -> None:
    run(dbs["CQ"], "INSERT INTO exchange_stream_head VALUES (?, ?)", ("jobs.postings", 5))
    run(dbs["CQ"], "INSERT INTO exchange_delivery VALUES ('SC', ?, ?)", ("jobs.postings", 5))
    run(dbs["SC"], "INSERT INTO exchange_inbox_cursor VALUES ('CQ', ?, ?)", ("jobs.postings", 4))
    [row] = checks.stream_counts(dbs)
    assert (row["kind"], row["published"], row["applied"]) == ("postings", 5, 4)
    assert checks.backlog(dbs) == 0


def test_case_with_a_different_timeline_is_stuck(dbs: dict[str, Path]) -> None:
    for member in checks.MEMBERS:
        run(dbs[member], "INSERT INTO window_case VALUES (?, ?, ?)",
            (1, "CQ-1", "received"), (2, "CQ-2", "accepted"))
        run(dbs[member], "INSERT INTO window_case_event VALUES (?, ?, ?)",
            (1, 1, "receive"), (2, 1, "receive"))
    run(dbs["SC"], "INSERT INTO window_case_event VALUES (?, ?, ?)", (2, 2, "accept"))
    found = checks.window_check(dbs)
    assert (found["cases"], found["stuck"], found["stuck_examples"]) == (2, 1, ["CQ-2"])


def _echo_server() -> tuple[asyncio.AbstractEventLoop, int]:
    """A one-shot echo server on its own event-loop thread."""
    loop = asyncio.new_event_loop()
    port = free_port()

    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(await reader.read(100))
        await writer.drain()
        writer.close()

    # Started from the loop's own thread: the test's thread may already run a loop of its own.
    threading.Thread(target=loop.run_forever, daemon=True).start()
    asyncio.run_coroutine_threadsafe(
        asyncio.start_server(echo, "127.0.0.1", port), loop).result(timeout=10)
    return loop, port


def exchange(port: int) -> bytes:
    """Send a word through `port` and read what comes back."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"ping")
        return s.recv(100)


def test_forwarder_cut_refuses_then_heals() -> None:
    loop, target = _echo_server()
    forwarder = Forwarder(free_port(), target)
    forwarder.open()
    try:
        assert exchange(forwarder.listen_port) == b"ping"
        forwarder.cut()
        with pytest.raises(ConnectionRefusedError):
            exchange(forwarder.listen_port)
        forwarder.open()
        assert exchange(forwarder.listen_port) == b"ping"
    finally:
        forwarder.close()
        loop.call_soon_threadsafe(loop.stop)
