"""Accounts, passwords, tokens and the SQLite write gate."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from chuanyu.core.errors import Conflict, InvalidInput
from chuanyu.core.models import User
from chuanyu.core.security import authenticate, create_user
from chuanyu.core.sqlite_gate import NestedWriteTransaction
from chuanyu.exchange import audit
from tests.conftest import Db


def test_password_is_hashed_and_checked(db: Db) -> None:
    with db.scope() as session:
        create_user(session, username="clerk1", password="s3cret-pass", roles=["window_clerk"])
    with db.scope() as session:
        user = session.scalar(select(User).where(User.username == "clerk1"))
        assert user is not None and "s3cret-pass" not in user.password_hash
        assert authenticate(session, "clerk1", "s3cret-pass") is not None
        assert authenticate(session, "clerk1", "wrong-pass") is None


def test_duplicate_username_and_unknown_role_are_refused(db: Db) -> None:
    with db.scope() as session:
        create_user(session, username="dup", password="long-enough", roles=["citizen"])
    with pytest.raises(Conflict), db.scope() as session:
        create_user(session, username="dup", password="long-enough", roles=["citizen"])
    with pytest.raises(InvalidInput), db.scope() as session:
        create_user(session, username="x", password="long-enough", roles=["emperor"])


def test_read_only_session_yields_to_a_nested_transaction_in_the_same_thread(db: Db) -> None:
    if db.backend != "sqlite":
        pytest.skip("the write gate is SQLite's")
    outer = db.session()
    outer.scalar(select(User.id))  # holds the write slot, has only read
    with db.scope() as inner:  # would wait on itself forever without the gate's hand-over
        audit.record(inner, db.node, direction="out", peer="SC", kind="call", name="t",
                     message_id="m", digest="d", outcome="ok")
    outer.close()


def test_nested_transaction_after_a_write_is_reported_not_hung(db: Db) -> None:
    if db.backend != "sqlite":
        pytest.skip("the write gate is SQLite's")
    outer = db.session()
    create_user(outer, username="w", password="long-enough", roles=["citizen"])
    with pytest.raises(NestedWriteTransaction), db.scope() as inner:
        inner.scalar(select(User.id))
    outer.rollback()
    outer.close()
