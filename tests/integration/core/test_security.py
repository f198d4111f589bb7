"""Accounts, passwords and tokens."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from chuanyu.core.errors import Conflict, InvalidInput
from chuanyu.core.models import User
from chuanyu.core.security import authenticate, create_user
from tests.conftest import Db


def test_password_is_hashed_and_checked(db: Db) -> None:
    with db.scope() as session:
        create_user(
            session=session, username="clerk1", password="s3cret-pass", roles=["window_clerk"]
        )
    with db.scope() as session:
        user = session.scalar(select(User).where(User.username == "clerk1"))
        assert user is not None and "s3cret-pass" not in user.password_hash
        assert authenticate(session=session, username="clerk1", password="s3cret-pass") is not None
        assert authenticate(session=session, username="clerk1", password="wrong-pass") is None


def test_duplicate_username_and_unknown_role_are_refused(db: Db) -> None:
    with db.scope() as session:
        create_user(session=session, username="dup", password="long-enough", roles=["citizen"])
    with pytest.raises(Conflict), db.scope() as session:
        create_user(session=session, username="dup", password="long-enough", roles=["citizen"])
    with pytest.raises(InvalidInput), db.scope() as session:
        create_user(session=session, username="x", password="long-enough", roles=["emperor"])


