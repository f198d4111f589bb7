"""Read and write sessions: long reads hold nobody up, reads cannot write."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import DBAPIError

from chuanyu.core.db import ReadOnlySession, read_scope, write_scope
from chuanyu.core.models import User
from chuanyu.core.security import create_user
from tests.conftest import Db

GUARD_S = 120  # upper bound on a wait that should end at once: a hang fails instead of blocking


def test_writes_complete_while_a_long_read_holds_its_transaction(db: Db) -> None:
    """A report render (here: a read transaction kept open until the writes are done) does not
    stop other units of work from committing."""
    with write_scope(db.node) as session:
        create_user(session=session, username="before", password="long-enough", roles=["citizen"])
    reading, release = threading.Event(), threading.Event()
    seen: dict[str, int] = {}
    failures: list[BaseException] = []

    def render() -> None:
        try:
            with read_scope(db.node) as session:
                seen["start"] = session.scalar(select(func.count(User.id))) or 0
                reading.set()
                release.wait(GUARD_S)  # the render's long work
                seen["end"] = session.scalar(select(func.count(User.id))) or 0
        except BaseException as exc:  # reported to the test thread below
            failures.append(exc)
            reading.set()

    reader = threading.Thread(target=render)
    reader.start()
    try:
        assert reading.wait(GUARD_S)
        for n in range(5):
            with write_scope(db.node) as session:
                create_user(session=session, username=f"during-{n}", password="long-enough",
                            roles=["citizen"])
        assert reader.is_alive() and not release.is_set()  # the read is still open
        with read_scope(db.node) as session:
            assert session.scalar(select(func.count(User.id))) == seen["start"] + 5
    finally:
        release.set()
        reader.join(GUARD_S)
    assert not failures
    if db.backend == "sqlite":  # a deferred SQLite read keeps one snapshot throughout
        assert seen["end"] == seen["start"]


def test_orm_write_through_a_read_session_fails(db: Db) -> None:
    with pytest.raises(ReadOnlySession), read_scope(db.node) as session:
        create_user(session=session, username="nope", password="long-enough", roles=["citizen"])
    with read_scope(db.node) as session:
        assert session.scalar(select(User.id).where(User.username == "nope")) is None


def test_statement_write_through_a_read_session_fails(db: Db) -> None:
    with pytest.raises(ReadOnlySession), read_scope(db.node) as session:
        session.execute(insert(User).values(username="nope", password_hash="x", roles="",
                                            display_name="x", is_active=True))


def test_raw_sql_write_through_a_read_session_is_refused_by_the_database(db: Db) -> None:
    with pytest.raises(DBAPIError), read_scope(db.node) as session:
        session.connection().execute(text("DELETE FROM core_user"))


def test_a_failed_write_unit_commits_nothing(db: Db) -> None:
    with pytest.raises(RuntimeError), write_scope(db.node) as session:
        create_user(session=session, username="halfway", password="long-enough", roles=["citizen"])
        raise RuntimeError("the use case failed after its first write")
    with read_scope(db.node) as session:
        assert session.scalar(select(User.id).where(User.username == "halfway")) is None
