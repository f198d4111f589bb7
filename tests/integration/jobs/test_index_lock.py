"""A node whose index writer is held by another process waits for it and then indexes."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chuanyu.core import clock
from chuanyu.core.schemas import UserRead
from chuanyu.jobs import index_lock, indexing, tasks
from chuanyu.jobs.enums import IndexState
from chuanyu.jobs.schemas import PostingCreate
from chuanyu.jobs.search.tantivy_index import TantivyIndex
from chuanyu.jobs.service import postings
from tests.support.nodes import wait_until

OFFICER = UserRead(id=1, username="hr", display_name="hr", roles=["hr_officer"], member="CQ")
NOW = datetime(2020, 7, 8, 4, tzinfo=UTC)
GOOD = {
    "employer_uscc": "91500112MA5U7AJ18W", "employer_name": "重庆测试机械有限公司",
    "title": "叉车司机", "occupation_code": "6", "industry_code": "C", "division_code": "500103",
    "salary_min": "6000", "salary_max": "9000", "description": "负责仓库叉车作业",
    "contact_name": "王先生", "contact_phone": "13800000000",
    "valid_from": "2020-07-01", "valid_to": "2020-07-31",
}  # fmt: skip

# Holds the index writer until its standard input closes.
HOLDER = """
import sys
from pathlib import Path
from chuanyu.jobs.search.tantivy_index import TantivyIndex
index = TantivyIndex(Path(sys.argv[1]), heap_mb=15, threads=1)
index.writer()
print("held", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_lock, "FIRST_RETRY_S", 0.05)
    monkeypatch.setattr(index_lock, "MAX_RETRY_S", 0.2)


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the writer of the index at tmp_path/idx."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path / "idx")],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def _release(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None
    proc.stdin.close()
    proc.wait(timeout=30)


def test_started_node_indexes_once_another_process_lets_go_of_the_writer(  # type: ignore[no-untyped-def]
    db, tmp_path: Path, holder: subprocess.Popen[str], fast_retries: None
) -> None:
    db.node.extras.clear()
    index = db.node.extras["jobs.index"] = TantivyIndex(tmp_path / "idx", heap_mb=50, threads=1)
    with clock.freeze(NOW), db.scope() as s:
        pid = postings.create(session=s, member="CQ", user=OFFICER,
                              data=PostingCreate.model_validate(GOOD)).id  # fmt: skip
    stop = tasks.start(db.node)
    try:
        assert indexing.indexer_for(db.node) is None
        health = indexing.index_health(db.node)
        assert health.state == IndexState.WAITING and health.since is not None
        waiter = db.node.extras[indexing.WAITER_KEY]
        wait_until(lambda: waiter.attempts >= 3, timeout=20, message="retries while held")
        assert index.ids() == set()
        _release(holder)
        wait_until(lambda: indexing.indexer_for(db.node, start=False) is not None, timeout=20,
                   message="writer taken over")  # fmt: skip
        wait_until(lambda: index.ids() == {pid}, timeout=20, message="posting indexed")
        assert indexing.index_health(db.node).state == IndexState.OK
    finally:
        stop()
    assert indexing.index_health(db.node).state == IndexState.IDLE
    db.node.extras.clear()


def test_closing_a_waiting_node_stops_waiting(db, tmp_path: Path, holder, fast_retries) -> None:  # type: ignore[no-untyped-def]
    db.node.extras.clear()
    db.node.extras["jobs.index"] = TantivyIndex(tmp_path / "idx", heap_mb=50, threads=1)
    assert indexing.indexer_for(db.node) is None
    waiter = db.node.extras[indexing.WAITER_KEY]
    assert waiter.waiting
    indexing.stop_indexing(db.node)
    assert not waiter.waiting
    _release(holder)
    assert indexing.indexer_for(db.node, start=False) is not None, "taken on the next ask"
    indexing.stop_indexing(db.node)
    db.node.extras.clear()


def test_one_shot_callers_do_not_wait(db, tmp_path: Path, holder) -> None:  # type: ignore[no-untyped-def]
    db.node.extras.clear()
    db.node.extras["jobs.index"] = TantivyIndex(tmp_path / "idx", heap_mb=50, threads=1)
    assert indexing.indexer_for(db.node, start=False) is None
    assert indexing.WAITER_KEY not in db.node.extras
    assert indexing.index_health(db.node).state == IndexState.IDLE
    db.node.extras.clear()
