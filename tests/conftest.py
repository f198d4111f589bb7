"""Shared fixtures: databases on SQLite and PostgreSQL, an app client, two live nodes."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.orm import Session

from chuanyu import domains
from chuanyu.core.config import Settings
from chuanyu.core.db import Base, write_scope
from chuanyu.core.security import create_user, issue_token
from chuanyu.node import Node, open_node
from tests.support.nodes import PASSWORD, LiveFederation, csrf_token_of, wait_until

PG_URL = os.environ.get("CHUANYU_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

for _key in [k for k in os.environ if k.startswith("CHUANYU_")]:
    if _key != "CHUANYU_TEST_PG_URL":
        del os.environ[_key]


def _pg_reason() -> str | None:
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # any failure means: no server to test against
        return f"PostgreSQL not reachable at {PG_URL}: {type(exc).__name__}"
    return None


PG_SKIP_REASON = _pg_reason()


@pytest.fixture(scope="session")
def federation_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A federation (keys and signed descriptor) with every registered service and stream."""
    from chuanyu.exchange import federation
    from chuanyu.exchange.registry import SERVICES, STREAMS

    domains.load_handlers()
    path = tmp_path_factory.mktemp("federation")
    federation.init(path, services={m: sorted(SERVICES) for m in ("CQ", "SC")},
                    streams={m: sorted(STREAMS) for m in ("CQ", "SC")})
    return path


def _settings(federation_dir: Path, var_dir: Path, member: str = "CQ", **kw: Any) -> Settings:
    return Settings(member=member, var_dir=var_dir, federation_dir=federation_dir,
                    relay_enabled=False, tasks_enabled=False, **kw)


@pytest.fixture(scope="session")
def sqlite_template(federation_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database, copied for each test."""
    var = tmp_path_factory.mktemp("template")
    node = open_node(_settings(federation_dir, var), migrate=True)
    node.close()
    return var / "CQ.db"


@dataclass
class Db:
    """A migrated database for one test."""

    node: Node
    backend: str

    def session(self) -> Session:
        """A new session (the test commits or rolls back)."""
        return self.node.sessions()

    def scope(self) -> Any:
        """A session that commits when the block succeeds."""
        return write_scope(self.node)


def _sqlite_node(federation_dir: Path, template: Path, tmp: Path, member: str = "CQ") -> Node:
    var = tmp / f"var-{member}"
    var.mkdir(parents=True, exist_ok=True)
    shutil.copy(template, var / f"{member}.db")
    return open_node(_settings(federation_dir, var, member), migrate=False)


@pytest.fixture(scope="session")
def pg_node(federation_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    """A CQ node on PostgreSQL, in a schema of its own for this test run."""
    if PG_SKIP_REASON:
        pytest.skip(PG_SKIP_REASON)
    schema = f"t_{uuid.uuid4().hex[:10]}"
    node = open_node(_settings(federation_dir, tmp_path_factory.mktemp("pg"),
                               database_url=PG_URL, database_schema=schema), migrate=True)
    yield node
    node.engine.dispose()
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def _truncate(node: Node) -> None:
    with node.engine.begin() as conn:
        present = set(inspect(conn).get_table_names())
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables
                           if t.name in present)
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, federation_dir: Path, sqlite_template: Path,
       tmp_path: Path) -> Iterator[Db]:
    """A migrated database for one test, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        node = _sqlite_node(federation_dir, sqlite_template, tmp_path)
        yield Db(node, "sqlite")
        node.close()
        return
    node = request.getfixturevalue("pg_node")
    _truncate(node)
    yield Db(node, "postgresql")
    _truncate(node)


class AppClient(TestClient):
    """A TestClient for one node that can sign in as any role."""

    node: Node

    def login_as(self, role: str, *, subject_id: str | None = None,
                 username: str | None = None) -> dict[str, str]:
        """Bearer-token headers for a fresh account holding `role`."""
        with write_scope(self.node) as session:
            user = create_user(
                session=session,
                username=username or f"{role}-{uuid.uuid4().hex[:8]}",
                password=PASSWORD,
                roles=[role],
                subject_id=subject_id,
            )
            token = issue_token(session=session, user=user)
        return {"Authorization": f"Bearer {token}"}

    def page_login(self, role: str, *, subject_id: str | None = None) -> None:
        """Sign in through the login form (cookie session), as a browser would."""
        name = f"{role}-{uuid.uuid4().hex[:8]}"
        with write_scope(self.node) as session:
            create_user(session=session, username=name, password=PASSWORD, roles=[role],
                        subject_id=subject_id)
        response = self.post("/login", data={"username": name, "password": PASSWORD},
                             follow_redirects=False)
        assert response.status_code == 303, response.text
        # As a page's forms and HTMX calls do, later requests carry the session's CSRF token.
        self.headers["X-CSRF-Token"] = csrf_token_of(self.get("/").text)


def make_client(federation_dir: Path, template: Path, tmp: Path, member: str) -> AppClient:
    """An AppClient on a fresh SQLite copy for `member`."""
    from chuanyu.main import create_app

    node = _sqlite_node(federation_dir, template, tmp, member)
    client = AppClient(create_app(node.settings, node=node))
    client.node = node
    return client


@pytest.fixture
def client(federation_dir: Path, sqlite_template: Path, tmp_path: Path) -> Iterator[AppClient]:
    """A FastAPI TestClient for a CQ node on SQLite."""
    with make_client(federation_dir, sqlite_template, tmp_path, "CQ") as c:
        yield c


@pytest.fixture
def sc_client(federation_dir: Path, sqlite_template: Path, tmp_path: Path) -> Iterator[AppClient]:
    """A FastAPI TestClient for an SC node on SQLite."""
    with make_client(federation_dir, sqlite_template, tmp_path, "SC") as c:
        yield c


@pytest.fixture(scope="module")
def live_nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveFederation]:
    """Two real nodes (CQ and SC) as uvicorn subprocesses on ephemeral loopback ports."""
    fed = LiveFederation(tmp_path_factory.mktemp("live"))
    try:
        fed.start()
        yield fed
    finally:
        fed.stop()


__all__ = ["wait_until"]
