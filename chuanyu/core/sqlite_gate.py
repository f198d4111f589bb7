"""SQLite's single writer, managed in-process.

Every SQLite transaction of a node starts with BEGIN IMMEDIATE, so writers queue instead of
failing on a stale snapshot. Two things make that safe and fast:

- an in-process lock hands the write slot from thread to thread at once, instead of leaving
  waiting threads in SQLite's sleeping busy handler;
- a unit of work (one web request, or else one thread) that already holds the slot through a
  session that has only read, and opens another transaction (a second session, or an exchange
  call that audits in its own transaction), would wait on itself forever: the read-only
  transaction is ended first. If the held transaction has written, that is a programming error
  and is reported at once instead of hanging.

A web request is its own unit even though FastAPI runs its dependencies and its endpoint on
different worker threads, and reuses those threads for other requests: the scope travels in a
context variable set per request (`request_scope`), not in the thread.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable, MutableMapping
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import ORMExecuteState, Session

LOCK_TIMEOUT_S = 60.0


_request_scope: ContextVar[object | None] = ContextVar("chuanyu_tx_scope", default=None)
_thread_scope = threading.local()


def current_scope() -> object:
    """The unit of work asking: the current web request, or else the current thread."""
    scope = _request_scope.get()
    if scope is None:
        scope = getattr(_thread_scope, "scope", None)
        if scope is None:
            scope = _thread_scope.scope = object()
    return scope


class RequestScope:
    """ASGI middleware: each request is its own unit of work for the write gate."""

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        token = _request_scope.set(object())
        try:
            await self.app(scope, receive, send)
        finally:
            _request_scope.reset(token)


class NestedWriteTransaction(RuntimeError):
    """A thread tried to open a second SQLite transaction while its first one has written."""


class WriteGate:
    """The write slot of one SQLite database within this process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.owner_conn: int | None = None
        self.owner_scope: object | None = None

    def acquire(self, dbapi_conn: Any) -> None:
        scope = current_scope()
        if self.owner_scope is scope and self.owner_conn != id(dbapi_conn):
            _release_idle_session(self)
        if not self.lock.acquire(timeout=LOCK_TIMEOUT_S):
            raise TimeoutError("timed out waiting for the database write slot")
        self.owner_conn, self.owner_scope = id(dbapi_conn), scope

    def release(self, dbapi_conn: Any) -> None:
        if self.owner_conn == id(dbapi_conn):
            self.owner_conn = self.owner_scope = None
            self.lock.release()


_sessions_by_conn: dict[int, Session] = {}


def _release_idle_session(gate: WriteGate) -> None:
    holder = _sessions_by_conn.get(gate.owner_conn or 0)
    if holder is None or holder.info.get("sqlite_wrote"):
        raise NestedWriteTransaction(
            "this thread already holds an open write transaction on the node's SQLite database; "
            "commit it before opening another session or calling another node")
    holder.commit()  # it has only read: ending it changes nothing


def install(engine: Engine) -> None:
    """Put BEGIN IMMEDIATE behind the in-process write gate for this engine."""
    gate = WriteGate()
    engine.info_gate = gate  # type: ignore[attr-defined]

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        dbapi_conn = conn.connection.dbapi_connection
        gate.acquire(dbapi_conn)
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            gate.release(dbapi_conn)
            raise

    @event.listens_for(engine, "commit")
    def _commit(conn: Any) -> None:
        gate.release(conn.connection.dbapi_connection)

    @event.listens_for(engine, "rollback")
    def _rollback(conn: Any) -> None:
        gate.release(conn.connection.dbapi_connection)

    @event.listens_for(engine, "reset")
    def _reset(dbapi_conn: Any, _record: Any, _reset_state: Any) -> None:
        gate.release(dbapi_conn)

    @event.listens_for(engine, "close")
    def _close(dbapi_conn: Any, _record: Any) -> None:
        gate.release(dbapi_conn)


@event.listens_for(Session, "after_begin")
def _track(session: Session, _transaction: Any, connection: Any) -> None:
    if connection.dialect.name == "sqlite":
        dbapi_conn = connection.connection.dbapi_connection
        _sessions_by_conn[id(dbapi_conn)] = session
        session.info["sqlite_conn"] = id(dbapi_conn)
        session.info["sqlite_wrote"] = False


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: Any) -> None:
    session.info["sqlite_wrote"] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if not state.is_select:
        state.session.info["sqlite_wrote"] = True


@event.listens_for(Session, "after_transaction_end")
def _untrack(session: Session, transaction: Any) -> None:
    if transaction.parent is None and "sqlite_conn" in session.info:
        _sessions_by_conn.pop(session.info.pop("sqlite_conn"), None)
        session.info["sqlite_wrote"] = False
