"""Database engines per node, read and write sessions, the declarative base and migrations.

Every unit of work says what it needs:

- a **read session** (`ReadSessionDep`, `read_scope(node)`) runs a deferred transaction on a
  connection that refuses writes (SQLite `PRAGMA query_only`, PostgreSQL `READ ONLY`); in
  SQLite's WAL mode readers never wait for the writer and the writer never waits for them, so a
  long render holds nobody up;
- a **write session** (`WriteSessionDep`, `write_scope(node)`) commits once at the end of its
  unit. On SQLite it runs on the node's single writer connection (`BEGIN IMMEDIATE`, a pool of
  one with a timeout), on PostgreSQL with the server's normal concurrency.

A write through a read session fails at once (`ReadOnlySession`), at the flush or in the
database.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Annotated, Any, Protocol

from fastapi import Depends, Request
from sqlalchemy import MetaData, Table, create_engine, event, text
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, ORMExecuteState, Session, sessionmaker

from chuanyu.core import timestamps
from chuanyu.core.config import Settings


class Node(Protocol):
    """What a unit of work needs of a node (`chuanyu.node.Node` has it): its session factories."""

    @property
    def sessions(self) -> sessionmaker[Session]: ...

    @property
    def read_sessions(self) -> sessionmaker[Session]: ...

log = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

WRITE_WAIT_S = 30.0  # how long a writer waits for SQLite's write connection before failing
READ_ONLY = "chuanyu_read_only"  # Session.info flag of read sessions


class ReadOnlySession(RuntimeError):
    """A write was attempted through a read session: the unit of work needs a write session."""


class Base(DeclarativeBase):
    """Declarative base for every table, with predictable constraint names."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def database_url(settings: Settings) -> str:
    """The node's database URL: CHUANYU_DATABASE_URL, or its own SQLite file."""
    if settings.database_url:
        url = settings.database_url
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return url
    path = settings.sqlite_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def node_schema(settings: Settings) -> str:
    """PostgreSQL schema of a node: both nodes may share one server, never one schema."""
    return settings.database_schema or f"node_{settings.member.lower()}"


def make_engine(settings: Settings) -> Engine:
    """The node's write engine: SQLite in WAL mode on one writer connection, or PostgreSQL in
    the node's own schema."""
    url = database_url(settings)
    if url.startswith("sqlite"):
        # A pool of one is SQLite's single write slot within this process: a second writer
        # waits for the connection (up to WRITE_WAIT_S) instead of spinning in the busy handler.
        engine = create_engine(url, pool_size=1, max_overflow=0, pool_timeout=WRITE_WAIT_S,
                               connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(engine, settings.sqlite_cache_mb, begin="BEGIN IMMEDIATE")
        return engine
    schema = node_schema(settings)
    bootstrap = create_engine(url, isolation_level="AUTOCOMMIT")
    with bootstrap.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    bootstrap.dispose()
    return create_engine(
        url,
        pool_size=10,
        max_overflow=20,
        pool_pre_ping=True,
        connect_args={"options": f"-csearch_path={schema}"},
    )


def make_read_engine(settings: Settings, engine: Engine) -> Engine:
    """The node's read engine: SQLite connections that refuse writes and begin deferred
    transactions, or the PostgreSQL pool in read-only transactions."""
    if not is_sqlite(engine):
        return engine.execution_options(postgresql_readonly=True)
    reader = create_engine(str(engine.url), pool_size=10, max_overflow=30,
                           connect_args={"check_same_thread": False, "timeout": 30})
    _configure_sqlite(reader, settings.sqlite_cache_mb, begin="BEGIN", query_only=True)
    return reader


def _configure_sqlite(engine: Engine, cache_mb: int, *, begin: str,
                      query_only: bool = False) -> None:
    """WAL, foreign keys, a page cache of `cache_mb`, transactions opened with `begin`, and
    for readers `PRAGMA query_only`."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute(f"PRAGMA cache_size=-{int(cache_mb) * 1024}")
        if query_only:
            cur.execute("PRAGMA query_only=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql(begin)

    timestamps.install(engine)


def is_sqlite(engine: Engine) -> bool:
    """True when the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


def upgrade(engine: Engine) -> None:
    """Bring the node's database to the newest revision of every migration branch."""
    from alembic import command
    from alembic.config import Config

    cfg = Config(str(MIGRATIONS_DIR.parent / "alembic.ini"))
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "heads")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Factory of write sessions bound to the node's write engine."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def make_read_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Factory of read sessions bound to the node's read engine."""
    return sessionmaker(bind=engine, expire_on_commit=False, info={READ_ONLY: True})


@event.listens_for(Session, "before_flush")
def _refuse_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(READ_ONLY) and (
            session.new or session.deleted or any(session.is_modified(o) for o in session.dirty)):
        raise ReadOnlySession("this unit of work runs on a read session and cannot write; "
                              "give it a write session (WriteSessionDep, write_scope)")


@event.listens_for(Session, "do_orm_execute")
def _refuse_statement(state: ORMExecuteState) -> None:
    # Text statements are left to the database, which refuses writes on read connections.
    if state.session.info.get(READ_ONLY) and (state.is_insert or state.is_update
                                              or state.is_delete):
        raise ReadOnlySession("this unit of work runs on a read session and cannot write; "
                              "give it a write session (WriteSessionDep, write_scope)")


@contextlib.contextmanager
def read_scope(node: Node) -> Iterator[Session]:
    """A read session for CLI commands, tasks and handlers; it never commits."""
    session = node.read_sessions()
    try:
        yield session
    finally:
        session.close()


@contextlib.contextmanager
def write_scope(node: Node) -> Iterator[Session]:
    """A write session: one unit of work that commits when the block succeeds and rolls back
    when it fails."""
    session = node.sessions()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


UnitOfWork = Callable[[], contextlib.AbstractContextManager[Session]]


def units_of(node: Node) -> UnitOfWork:
    """A factory of write units on `node`, for a use case that calls another node between two
    short units of work (read → call → write) instead of holding one across the network."""
    return functools.partial(write_scope, node)


def get_read_session(request: Request) -> Iterator[Session]:
    """FastAPI dependency: a read session of the node serving this request."""
    with read_scope(request.app.state.node) as session:
        yield session


def get_write_session(request: Request) -> Iterator[Session]:
    """FastAPI dependency: the request's unit of work, committed when the route returns and
    before the response is sent, so a failed commit is an error response, not a lost write."""
    with write_scope(request.app.state.node) as session:
        yield session


ReadSessionDep = Annotated[Session, Depends(get_read_session)]
# scope="function": the commit runs right after the route function, before the response.
WriteSessionDep = Annotated[Session, Depends(get_write_session, scope="function")]


@dataclass(frozen=True)
class _InsertPlan:
    sql: str
    defaults: dict[str, Any]  # scalar column defaults for keys the rows do not carry
    processors: tuple[Callable[[Any], Any] | None, ...]


_insert_plans: dict[tuple[Table, tuple[str, ...], type[Dialect]], _InsertPlan] = {}


def _insert_plan(table: Table, given: tuple[str, ...], dialect: Dialect) -> _InsertPlan:
    key = (table, given, type(dialect))
    plan = _insert_plans.get(key)
    if plan is None:
        defaults = {c.key: c.default.arg for c in table.columns  # type: ignore[attr-defined]
                    if c.key not in given and c.default is not None and c.default.is_scalar}
        keys = given + tuple(defaults)
        columns = [table.c[k] for k in keys]  # an unknown key raises here, before any SQL
        quote = dialect.identifier_preparer.quote
        marker = "?" if dialect.paramstyle == "qmark" else "%s"
        sql = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(c.name) for c in columns)}) "
            f"VALUES ({', '.join([marker] * len(columns))})"
        )
        processors = tuple(c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns)
        plan = _insert_plans[key] = _InsertPlan(sql, defaults, processors)
    return plan


def insert_many(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows (dicts with the same keys) in the session's transaction with one
    executemany.

    Values are converted by the columns' own types and scalar defaults fill the columns the
    rows leave out, so rows are stored exactly as a Core insert stores them; what is skipped
    is SQLAlchemy's per-row parameter machinery, which costs more than SQLite's own work for
    wide rows in bulk loads.
    """
    if not rows:
        return
    session.flush()  # pending ORM objects first, as an ORM statement would
    connection = session.connection()
    given = tuple(rows[0])
    plan = _insert_plan(table, given, connection.dialect)
    filled = list(plan.defaults.values())
    # One C-level lookup per row; itemgetter returns a bare value for a single key.
    values_of = itemgetter(*given) if given else (lambda _row: ())
    single = len(given) == 1
    # Only the columns whose type converts values (dates, JSON, …) are touched per value.
    conversions = [(i, f) for i, f in enumerate(plan.processors) if f is not None]
    params = []
    for row in rows:
        values = [values_of(row)] if single else [*values_of(row)]
        values += filled
        for i, convert in conversions:
            values[i] = convert(values[i])
        params.append(tuple(values))
    if session.info.get(READ_ONLY):
        raise ReadOnlySession(f"cannot insert into {table.name} through a read session")
    connection.exec_driver_sql(plan.sql, params)
