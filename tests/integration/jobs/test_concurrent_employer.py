"""Two workers creating the first postings of one employer at once (PostgreSQL): the second
reuses the employer the first registered instead of failing on the unique credit code."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import func, select, text

from chuanyu.core import clock
from chuanyu.jobs.models import Employer
from chuanyu.jobs.service import postings
from chuanyu.node import Node
from tests.support.nodes import wait_until

pytestmark = pytest.mark.postgres
USCC = "91500112MA5U7AJ18W"


def _waiting_on_a_lock(node: Node) -> bool:
    with node.engine.connect() as conn:
        return bool(conn.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query ILIKE 'INSERT INTO jobs_employer%'")))


def test_an_employer_registered_meanwhile_by_another_worker_is_reused(db) -> None:  # type: ignore[no-untyped-def]
    if db.backend != "postgresql":
        pytest.skip("only PostgreSQL runs several workers of one node")
    node = db.node
    first = node.sessions()
    registered = Employer(id=uuid.uuid4().hex, uscc=USCC, name="重庆测试机械有限公司",
                          industry_code="C", division_code="500103", origin="CQ",
                          created_at=clock.now())
    first.add(registered)
    first.flush()  # inserted, not committed: the other insert waits on the unique index
    found: dict[str, Employer] = {}
    failed: list[BaseException] = []

    def other_worker() -> None:
        try:
            with node.sessions() as session:
                found["employer"] = postings._employer(
                    session=session, uscc=USCC, name="重庆测试机械有限公司", industry="C",
                    division="500103", member="CQ")
                session.commit()
        except BaseException as exc:  # reported by the assertion below
            failed.append(exc)

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        wait_until(lambda: _waiting_on_a_lock(node), timeout=10,
                   message="the second insert to wait for the first")
        first.commit()
    finally:
        first.close()
        thread.join(timeout=30)
    assert not failed, failed
    assert found["employer"].id == registered.id
    with node.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Employer)) == 1
