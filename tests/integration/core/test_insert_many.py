"""`insert_many` stores rows exactly as a SQLAlchemy Core insert does, on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from chuanyu.core.db import insert_many
from chuanyu.jobs.models import (
    EMPLOYER_TABLE,
    POSTING_TABLE,
    QUEUE_TABLE,
    Employer,
    IndexQueue,
    Posting,
)

NOW = datetime(2020, 7, 8, 4, 30, 15, 123456, tzinfo=UTC)
EMPLOYER = {"id": "e" * 32, "uscc": "91500112MA5U7AJ18W", "name": "重庆测试机械有限公司",
            "industry_code": "C", "division_code": "500103", "origin": "CQ",
            "created_at": NOW}  # fmt: skip


def _posting(pid: str) -> dict[str, Any]:
    return {
        "id": pid, "origin": "CQ", "employer_id": "e" * 32, "title": "焊工",
        "occupation_code": "6-04", "industry_code": "C", "division_code": "500103",
        "salary_min": Decimal("5000.50"), "salary_max": Decimal("8000"), "education": "any",
        "experience": "1-3", "employment_type": "full_time", "headcount": 3,
        "benefits": ["五险一金", "包吃包住"], "description": "负责焊接作业；持证上岗。",
        "contact_name": "王先生", "contact_phone": "13800000000",
        "valid_from": date(2020, 7, 1), "valid_to": date(2020, 8, 30), "status": "open",
        "published_at": NOW, "updated_at": NOW, "version": 2,
    }  # fmt: skip


def test_rows_read_back_the_same_as_after_a_core_insert(db) -> None:  # type: ignore[no-untyped-def]
    with db.scope() as s:
        insert_many(s, EMPLOYER_TABLE, [EMPLOYER])
        s.execute(POSTING_TABLE.insert(), [_posting("c" * 32)])
        insert_many(s, POSTING_TABLE, [_posting("f" * 32), _posting("a" * 32)])
    with db.scope() as s:
        by_core = s.get(Posting, "c" * 32)
        fast = [s.get(Posting, pid) for pid in ("f" * 32, "a" * 32)]
        fields = [c.key for c in Posting.__table__.columns if c.key != "id"]
        for row in fast:
            assert row is not None and by_core is not None
            assert {f: getattr(row, f) for f in fields} == {f: getattr(by_core, f) for f in fields}
        assert fast[0].salary_min == Decimal("5000.50")
        assert fast[0].benefits == ["五险一金", "包吃包住"]
        assert s.scalar(select(Employer.name)) == "重庆测试机械有限公司"


def test_nothing_to_insert_is_no_statement(db) -> None:  # type: ignore[no-untyped-def]
    with db.scope() as s:
        insert_many(s, POSTING_TABLE, [])
        assert s.scalar(select(Posting.id)) is None


def test_columns_left_out_get_their_default(db) -> None:  # type: ignore[no-untyped-def]
    row = _posting("d" * 32)
    del row["version"]
    with db.scope() as s:
        insert_many(s, EMPLOYER_TABLE, [EMPLOYER])
        insert_many(s, POSTING_TABLE, [row])
    with db.scope() as s:
        assert s.get(Posting, "d" * 32).version == 1


def test_rows_of_one_column_are_stored(db) -> None:  # type: ignore[no-untyped-def]
    with db.scope() as s:
        insert_many(s, QUEUE_TABLE, [{"posting_id": "q" * 32}, {"posting_id": "r" * 32}])
    with db.scope() as s:
        stored = s.scalars(select(IndexQueue.posting_id).order_by(IndexQueue.posting_id)).all()
    assert stored == ["q" * 32, "r" * 32]
