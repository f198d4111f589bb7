"""Posting services against SQLite and PostgreSQL, with the index kept in step."""

from __future__ import annotations

from pathlib import Path

import pytest

from chuanyu.core import clock
from chuanyu.core.errors import InvalidInput
from chuanyu.core.schemas import UserRead
from chuanyu.jobs import indexing
from chuanyu.jobs.errors import NotOwner
from chuanyu.jobs.schemas import PostingCreate
from chuanyu.jobs.search.base import SearchRequest
from chuanyu.jobs.search.tantivy_index import TantivyIndex
from chuanyu.jobs.service import ingest, postings

USCC = "91500112MA5U7AJ18W"
GOOD = {
    "employer_uscc": USCC, "employer_name": "重庆测试机械有限公司", "title": "氩弧焊工",
    "occupation_code": "6", "industry_code": "C", "division_code": "500103",
    "salary_min": "6000", "salary_max": "9000", "description": "负责焊接作业",
    "contact_name": "王先生", "contact_phone": "13800000000",
}  # fmt: skip
OFFICER = UserRead(id=1, username="hr", display_name="hr", roles=["hr_officer"], member="CQ")


@pytest.fixture
def indexer(db, tmp_path: Path):  # type: ignore[no-untyped-def]
    db.node.extras.clear()
    db.node.extras["jobs.index"] = TantivyIndex(tmp_path / "idx", heap_mb=50, threads=1)
    found = indexing.indexer_for(db.node, start=False)
    yield found
    found.index.close()
    db.node.extras.clear()


def search(indexer, q: str) -> set[str]:  # type: ignore[no-untyped-def]
    req = SearchRequest(q=q, now=clock.now(), today=clock.today(), facets=False)
    return {h.id for h in indexer.index.search(req).hits}


def test_create_update_close_follow_into_the_index(db, indexer) -> None:  # type: ignore[no-untyped-def]
    with db.scope() as s:
        p = postings.create(session=s, member="CQ", user=OFFICER,
                            data=PostingCreate.model_validate(GOOD))  # fmt: skip
        pid = p.id
    indexer.catch_up()
    assert search(indexer, "焊工") == {pid}
    with db.scope() as s:
        data = PostingCreate.model_validate({**GOOD, "title": "叉车司机"})
        postings.update(session=s, member="CQ", user=OFFICER, posting_id=pid, data=data)
    indexer.catch_up()
    assert search(indexer, "焊工") == set()
    assert search(indexer, "叉车") == {pid}
    with db.scope() as s:
        postings.close(session=s, member="CQ", user=OFFICER, posting_id=pid)
    indexer.catch_up()
    assert indexer.index.ids() == set()


def test_other_regions_work_place_and_strangers_are_refused(db, indexer) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s, pytest.raises(InvalidInput) as info:
        postings.create(
            session=s,
            member="CQ",
            user=OFFICER,
            data=PostingCreate.model_validate({**GOOD, "division_code": "510104"}),
        )
    assert info.value.errors[0].field == "division_code"
    stranger = UserRead(id=2, username="e", display_name="e", roles=["employer"], member="CQ",
                        subject_id="91500000MA00000000")  # fmt: skip
    with db.session() as s, pytest.raises(NotOwner):
        postings.create(session=s, member="CQ", user=stranger,
                        data=PostingCreate.model_validate(GOOD))  # fmt: skip


def test_expiry_sweep_and_all_or_nothing_import(db, indexer) -> None:  # type: ignore[no-untyped-def]
    rows = [
        {**GOOD, "valid_from": "2020-06-01", "valid_to": "2020-06-30"},
        {**GOOD, "title": "普工"},
    ]
    with pytest.raises(InvalidInput):
        ingest.import_rows(db.node, [*rows, {**GOOD, "salary_min": "-5"}])
    with db.session() as s:
        assert s.query(postings.Posting).count() == 0
    result = ingest.import_rows(db.node, rows)
    assert result.postings == 2
    indexer.catch_up()
    assert len(indexer.index.ids()) == 2
    with db.scope() as s:
        assert postings.expire_due(session=s, member="CQ") == 1
    indexer.catch_up()
    assert len(indexer.index.ids()) == 1
