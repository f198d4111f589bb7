"""Background tasks (indexer and expiry sweep) and repeated generator loads, on SQLite and
PostgreSQL."""

from __future__ import annotations

import shutil
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from chuanyu.core import clock
from chuanyu.core.schemas import UserRead
from chuanyu.jobs import indexing, tasks
from chuanyu.jobs.models import Posting
from chuanyu.jobs.schemas import PostingCreate
from chuanyu.jobs.search.base import SearchRequest
from chuanyu.jobs.search.tantivy_index import IndexLocked, TantivyIndex
from chuanyu.jobs.service import generate, postings
from tests.support.nodes import wait_until

OFFICER = UserRead(id=1, username="hr", display_name="hr", roles=["hr_officer"], member="CQ")
GOOD = {
    "employer_uscc": "91500112MA5U7AJ18W", "employer_name": "重庆测试机械有限公司",
    "title": "叉车司机", "occupation_code": "6", "industry_code": "C", "division_code": "500103",
    "salary_min": "6000", "salary_max": "9000", "description": "负责仓库叉车作业",
    "contact_name": "王先生", "contact_phone": "13800000000",
    "valid_from": "2020-07-01", "valid_to": "2020-07-31",
}  # fmt: skip
NOW = datetime(2020, 7, 8, 4, tzinfo=UTC)


def _found(index: TantivyIndex, q: str) -> set[str]:
    page = index.search(SearchRequest(q=q, now=clock.now(), facets=False))
    return {h.id for h in page.hits}


def test_started_tasks_index_changes_and_expire_postings(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db.node.extras.clear()
    index = db.node.extras["jobs.index"] = TantivyIndex(tmp_path / "idx", heap_mb=50, threads=1)
    with clock.freeze(NOW):
        stop = tasks.start(db.node)
        assert stop is not None
        try:
            with db.scope() as s:
                pid = postings.create(session=s, member="CQ", user=OFFICER,
                                      data=PostingCreate.model_validate(GOOD)).id  # fmt: skip
            # No catch-up call here: the started indexer picks the change up by itself.
            wait_until(lambda: _found(index, "叉车") == {pid}, timeout=20, message="indexed")
            sweep = db.node.extras["jobs.sweep"]
            assert sweep.sweep() == 0
            with clock.freeze(NOW + timedelta(days=30)):
                assert sweep.sweep() == 1
            wait_until(lambda: not index.ids(), timeout=20, message="expired posting removed")
            with db.scope() as s:
                assert s.get(Posting, pid).status == "expired"
        finally:
            stop()
    assert indexing.EXTRA_KEY not in db.node.extras


def test_generate_again_continues_instead_of_failing(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db.node.extras.clear()
    index = db.node.extras["jobs.index"] = TantivyIndex(tmp_path / "idx", heap_mb=50, threads=1)
    as_of = date(2020, 7, 8)
    try:
        with clock.freeze(NOW):
            first = generate.load_generated(db.node, employers=12, postings=40, seed=5,
                                            as_of=as_of)  # fmt: skip
            more = generate.load_generated(db.node, employers=12, postings=90, seed=5,
                                           as_of=as_of)  # fmt: skip
            again = generate.load_generated(db.node, employers=12, postings=90, seed=5,
                                            as_of=as_of)  # fmt: skip
        assert first.skipped == 0 and first.stored.postings > 0
        assert more.skipped == first.stored.postings and more.stored.postings > 0
        assert again.stored.postings == 0
        assert again.skipped == first.stored.postings + more.stored.postings
        with db.scope() as s:
            stored = s.scalar(select(func.count()).select_from(Posting))
            open_ids = set(s.scalars(select(Posting.id).where(Posting.status == "open")))
        assert stored == again.skipped
        assert index.ids() == open_ids
    finally:
        index.close()
        db.node.extras.clear()


def test_lost_index_is_rebuilt_from_the_database(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "idx"
    db.node.extras.clear()
    db.node.extras["jobs.index"] = TantivyIndex(folder, heap_mb=50, threads=1)
    with clock.freeze(NOW):
        generate.load_generated(db.node, employers=5, postings=30, seed=9, as_of=date(2020, 7, 8))
    with db.scope() as s:
        open_ids = set(s.scalars(select(Posting.id).where(Posting.status == "open")))
    assert open_ids
    indexer = indexing.indexer_for(db.node, start=False)
    assert indexer is not None
    indexer.stop()
    db.node.extras.clear()
    shutil.rmtree(folder)  # lost: a new disk, or a deleted folder

    index = db.node.extras["jobs.index"] = TantivyIndex(folder, heap_mb=50, threads=1)
    assert index.is_new
    indexer = indexing.indexer_for(db.node, start=False)
    assert indexer is not None
    try:
        assert index.ids() == open_ids
    finally:
        indexer.stop()
        db.node.extras.clear()
    assert not TantivyIndex(folder, heap_mb=50, threads=1).is_new


def test_rebuild_lets_others_write_and_keeps_their_changes(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # A node that lost its index rebuilds it while it serves: writers must not wait for the
    # whole rebuild, and what they change meanwhile must end up in the index.
    db.node.extras.clear()
    db.node.extras["jobs.index"] = TantivyIndex(tmp_path / "idx", heap_mb=50, threads=1)
    with clock.freeze(NOW):
        generate.load_generated(db.node, employers=5, postings=30, seed=9, as_of=date(2020, 7, 8))
    indexer = indexing.indexer_for(db.node, start=False)
    assert indexer is not None
    written: list[str] = []

    def write() -> None:
        with clock.freeze(NOW), db.scope() as s:
            data = PostingCreate.model_validate(GOOD)
            written.append(postings.create(session=s, member="CQ", user=OFFICER, data=data).id)

    def write_during_rebuild(done: int, total: int) -> None:
        if written:
            return
        writer = threading.Thread(target=write)
        writer.start()
        writer.join(timeout=15)
        assert not writer.is_alive(), "a write waited for the rebuild"

    try:
        rebuilt = indexer.rebuild(write_during_rebuild, batch=7)
        assert written and rebuilt >= 7
        indexer.catch_up()
        with db.scope() as s:
            open_ids = set(s.scalars(select(Posting.id).where(Posting.status == "open")))
        assert written[0] in open_ids
        assert indexer.index.ids() == open_ids
        assert indexer.index.count() == len(open_ids), "no posting indexed twice"
    finally:
        indexer.stop()
        db.node.extras.clear()


@pytest.mark.parametrize("how", ["read fails", "node stops"])
def test_an_unfinished_rebuild_leaves_the_index_as_it_was(  # type: ignore[no-untyped-def]
    db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    db.node.extras.clear()
    index = db.node.extras["jobs.index"] = TantivyIndex(tmp_path / "idx", heap_mb=50, threads=1)
    with clock.freeze(NOW):
        generate.load_generated(db.node, employers=5, postings=30, seed=9, as_of=date(2020, 7, 8))
    indexer = indexing.indexer_for(db.node, start=False)
    assert indexer is not None
    before = index.ids()
    assert before
    read_batch = indexer._open_postings_after
    batches = 0

    def interrupted(last: str, limit: int) -> list:  # type: ignore[type-arg]
        nonlocal batches
        batches += 1
        if batches == 2:
            if how == "read fails":
                raise OSError("the database went away")
            indexer._stop.set()  # what stop() does, seen between two batches
        return read_batch(last, limit)

    monkeypatch.setattr(indexer, "_open_postings_after", interrupted)
    try:
        with pytest.raises(OSError if how == "read fails" else indexing.RebuildCancelled):
            indexer.rebuild(batch=7)
        index.commit()  # as the next round of the indexer would
        assert index.ids() == before
        assert index.count() == len(before)
    finally:
        indexer.stop()
        db.node.extras.clear()


class _CountingIndexer:
    def __init__(self) -> None:
        self.wakes = 0

    def wake(self) -> None:
        self.wakes += 1


@pytest.mark.parametrize("in_savepoint", [False, True])
def test_indexer_is_woken_when_the_transaction_ends(db, in_savepoint: bool) -> None:  # type: ignore[no-untyped-def]
    # Replicated postings are queued inside a savepoint; own postings directly.
    db.node.extras.clear()
    indexer = db.node.extras[indexing.EXTRA_KEY] = _CountingIndexer()
    try:
        session = db.node.sessions()
        if in_savepoint:
            with session.begin_nested():
                indexing.enqueue(session=session, posting_ids=["a" * 32])
        else:
            indexing.enqueue(session=session, posting_ids=["a" * 32])
        assert indexer.wakes == 0, "not before the change is committed"
        session.commit()
        assert indexer.wakes == 1
        session.close()
    finally:
        db.node.extras.clear()


def test_indexer_waits_for_a_direct_feed_to_end(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db.node.extras.clear()
    db.node.extras["jobs.index"] = TantivyIndex(tmp_path / "idx", heap_mb=50, threads=1)
    indexer = indexing.indexer_for(db.node, start=False)
    assert indexer is not None
    try:
        assert indexer.claim_direct_feed()
        indexer.start()  # e.g. a search arriving during an import
        assert not indexer.running
        indexer.release_direct_feed()
        assert indexer.running
        assert not indexer.claim_direct_feed(), "a running loop keeps the indexing"
    finally:
        indexer.stop()
        db.node.extras.clear()


def test_closing_the_node_releases_the_index_writer(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # The demo loads data in one process and then serves from others: the loader must not
    # keep holding the writer, or nothing the serving nodes receive would be indexed.
    db.node.extras.clear()
    db.node.extras["jobs.index"] = TantivyIndex(tmp_path / "idx", heap_mb=50, threads=1)
    with clock.freeze(NOW):
        generate.load_generated(db.node, employers=3, postings=10, seed=4, as_of=date(2020, 7, 8))
    with pytest.raises(IndexLocked):
        TantivyIndex(tmp_path / "idx", heap_mb=50, threads=1).writer()
    db.node.close()  # the node object (and what it holds) stays referenced: no help from GC
    other = TantivyIndex(tmp_path / "idx", heap_mb=50, threads=1)
    other.writer()
    other.close()
    db.node.extras.clear()
