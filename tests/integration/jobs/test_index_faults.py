"""The search index under storage faults: a failed index write loses no posting.

A commit that fails (disk full) must roll the index writer back and leave the queue rows in
place; tantivy's writer otherwise keeps "succeeding" afterwards while adding nothing.
"""

from __future__ import annotations

import errno
import os
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from chuanyu.core import clock
from chuanyu.core.schemas import UserRead
from chuanyu.jobs import index_lock, indexing
from chuanyu.jobs.enums import IndexState
from chuanyu.jobs.models import Posting
from chuanyu.jobs.schemas import PostingCreate
from chuanyu.jobs.search.tantivy_index import TantivyIndex
from chuanyu.jobs.service import generate, postings
from tests.support.nodes import wait_until

OFFICER = UserRead(id=1, username="hr", display_name="hr", roles=["hr_officer"], member="CQ")
NOW = datetime(2020, 7, 8, 4, tzinfo=UTC)


def _posting(n: int) -> dict[str, str]:
    return {
        "employer_uscc": "91500112MA5U7AJ18W", "employer_name": "重庆测试机械有限公司",
        "title": f"叉车司机{n}", "occupation_code": "6", "industry_code": "C",
        "division_code": "500103", "salary_min": "6000", "salary_max": "9000",
        "description": "负责仓库叉车作业。" * 40, "contact_name": "王先生",
        "contact_phone": "13800000000", "valid_from": "2020-07-01", "valid_to": "2020-07-31",
    }  # fmt: skip


class FullDiskWriter:
    """tantivy's writer on a disk that is full while `full` is set.

    As the real one does: the failing commit loses what it was given, and until the writer
    is rolled back, later commits report success while dropping every change.
    """

    def __init__(self, real: Any) -> None:
        self.real = real
        self.full = threading.Event()
        self.full.set()
        self.broken = False
        self.failures = 0

    def add_document(self, document: Any) -> None:
        if not self.broken:
            self.real.add_document(document)

    def delete_documents_by_term(self, field: str, value: str) -> None:
        if not self.broken:
            self.real.delete_documents_by_term(field, value)

    def delete_all_documents(self) -> None:
        if not self.broken:
            self.real.delete_all_documents()

    def commit(self) -> int:
        if self.full.is_set():
            self.failures += 1
            self.broken = True
            self.real.rollback()
            raise OSError(errno.ENOSPC, "No space left on device")
        if self.broken:
            return 0
        return int(self.real.commit())

    def rollback(self) -> None:
        self.broken = False
        self.real.rollback()

    def wait_merging_threads(self) -> None:
        self.real.wait_merging_threads()


def _create(db: Any, count: int) -> set[str]:
    ids = set()
    with clock.freeze(NOW), db.scope() as s:
        for n in range(count):
            data = PostingCreate.model_validate(_posting(n))
            ids.add(postings.create(session=s, member="CQ", user=OFFICER, data=data).id)
    return ids


def _queued(db: Any) -> int:
    with db.session() as s:
        return indexing.queued(session=s)


@pytest.fixture
def indexer(db, tmp_path: Path) -> Iterator[indexing.Indexer]:  # type: ignore[no-untyped-def]
    db.node.extras.clear()
    db.node.extras["jobs.index"] = TantivyIndex(tmp_path / "idx", heap_mb=50, threads=1)
    made = indexing.indexer_for(db.node, start=False)
    assert made is not None
    try:
        yield made
    finally:
        made.stop()
        db.node.extras.clear()


def test_postings_of_a_failed_commit_are_indexed_on_the_next_round(db, indexer) -> None:  # type: ignore[no-untyped-def]
    ids = _create(db, 3)
    disk = indexer.index._writer = FullDiskWriter(indexer.index.writer())
    with pytest.raises(Exception, match="No space left"):
        indexer.catch_up()
    assert _queued(db) == 3, "the queue rows survive the failed commit"
    disk.full.clear()  # space freed
    indexer.catch_up()
    assert indexer.index.ids() == ids
    assert _queued(db) == 0


def test_indexer_loop_recovers_from_a_full_disk_and_reports_it(  # type: ignore[no-untyped-def]
    db, indexer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_lock, "FIRST_RETRY_S", 0.05)
    monkeypatch.setattr(index_lock, "MAX_RETRY_S", 0.2)
    disk = indexer.index._writer = FullDiskWriter(indexer.index.writer())
    indexer.start()
    ids = _create(db, 4)
    health = wait_until(
        lambda: (h := indexing.index_health(db.node)).state == IndexState.FAILING and h,
        timeout=20,
        message="failure reported",
    )
    assert "No space left" in (health.error or "")
    assert health.since is not None
    wait_until(lambda: disk.failures >= 3, timeout=20, message="retries")
    assert _queued(db) == 4, "failed rounds keep the queue rows"
    disk.full.clear()
    wait_until(lambda: indexer.index.ids() == ids, timeout=20, message="all indexed")
    wait_until(lambda: _queued(db) == 0, timeout=20, message="queue emptied")
    assert indexing.index_health(db.node).state == IndexState.OK


def test_bulk_load_leaves_what_a_failed_index_commit_dropped_to_the_queue(db, indexer) -> None:  # type: ignore[no-untyped-def]
    disk = indexer.index._writer = FullDiskWriter(indexer.index.writer())
    with clock.freeze(NOW):
        loaded = generate.load_generated(db.node, employers=4, postings=40, seed=6,
                                         as_of=date(2020, 7, 8))  # fmt: skip
    assert loaded.stored.postings > 0, "storing goes on although the index cannot be written"
    assert loaded.stored.indexed == 0
    with db.session() as s:
        open_ids = set(s.scalars(select(Posting.id).where(Posting.status == "open")))
    assert open_ids
    assert _queued(db) == len(open_ids)
    assert indexing.index_health(db.node).state == IndexState.FAILING
    disk.full.clear()
    indexer.catch_up()
    assert indexer.index.ids() == open_ids
    assert _queued(db) == 0


def test_bulk_load_into_an_index_whose_first_fill_fails_is_indexed_later(  # type: ignore[no-untyped-def]
    db, tmp_path: Path
) -> None:
    db.node.extras.clear()
    index = db.node.extras["jobs.index"] = TantivyIndex(tmp_path / "idx", heap_mb=50, threads=1)
    disk = index._writer = FullDiskWriter(index.writer())
    try:
        with clock.freeze(NOW):
            loaded = generate.load_generated(db.node, employers=4, postings=30, seed=8,
                                             as_of=date(2020, 7, 8))  # fmt: skip
        assert loaded.stored.postings > 0 and loaded.stored.indexed == 0
        with db.session() as s:
            open_ids = set(s.scalars(select(Posting.id).where(Posting.status == "open")))
        assert _queued(db) == len(open_ids)
        disk.full.clear()
        indexer = indexing.indexer_for(db.node, start=False)
        assert indexer is not None
        indexer.prepare()
        indexer.catch_up()
        assert index.ids() == open_ids
        assert _queued(db) == 0
    finally:
        indexing.stop_indexing(db.node)
        db.node.extras.clear()
    assert not TantivyIndex(tmp_path / "idx", heap_mb=15, threads=1).is_new


# -- a real full disk ---------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs (needs root and permission to mount)."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)],
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder: Path, leave: int) -> Path:
    """Take all free space of the file system but `leave` bytes."""
    stats = os.statvfs(folder)
    filler = folder / "filler"
    filler.write_bytes(b"\0" * max(0, stats.f_bavail * stats.f_frsize - leave))
    return filler


def test_postings_survive_a_real_full_disk(db, small_disk: Path) -> None:  # type: ignore[no-untyped-def]
    db.node.extras.clear()
    index = db.node.extras["jobs.index"] = TantivyIndex(small_disk / "idx", heap_mb=15,
                                                        threads=1)  # fmt: skip
    indexer = indexing.indexer_for(db.node, start=False)
    assert indexer is not None
    try:
        first = _create(db, 2)
        indexer.catch_up()
        filler = _fill(small_disk, leave=4096)
        second = _create(db, 6)
        with pytest.raises(Exception):  # noqa: B017 - tantivy's own error type varies
            indexer.catch_up()
        assert _queued(db) == 6
        filler.unlink()
        indexer.catch_up()
        assert _queued(db) == 0
        assert index.ids() == first | second
        more = _create(db, 2)
        indexer.catch_up()
        assert index.ids() == first | second | more
    finally:
        indexer.stop()
        db.node.extras.clear()
