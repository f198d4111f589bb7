"""Keeping the search index a faithful projection of the database.

Every change to a posting (own or replicated) adds a row to `jobs_index_queue` in the same
transaction. The indexer reads queued rows, applies the postings' current state to the index,
commits the index, and only then deletes those rows. A crash anywhere leaves the rows in
place, so the next start re-applies them (idempotently): the index never misses a posting
the database has, and never shows one the database does not (it only ever learns of
committed rows). Commits are batched by time and count. A failed index write rolls the
index back to its last commit and keeps the rows, so the next round applies them again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, SessionTransaction

from chuanyu.jobs.enums import IndexState
from chuanyu.jobs.index_lock import IndexHealth, LockWaiter
from chuanyu.jobs.indexer import Indexer, RebuildCancelled, doc_of
from chuanyu.jobs.models import QUEUE_TABLE, IndexQueue
from chuanyu.jobs.search.tantivy_index import IndexLocked, TantivyIndex
from chuanyu.node import Node

__all__ = ["Indexer", "RebuildCancelled", "doc_of"]

log = logging.getLogger(__name__)

EXTRA_KEY = "jobs.indexer"
WAITER_KEY = "jobs.indexer.waiting"
_create_lock = threading.Lock()


def index_dir(node: Node) -> Path:
    """Where this node keeps its search index."""
    return Path(node.settings.var_dir) / f"{node.member.lower()}-jobs-index"


def open_index(node: Node) -> TantivyIndex:
    """The node's index, opened for reading (and writing, when this process gets the lock)."""
    return TantivyIndex(index_dir(node))


def indexer_for(node: Node, *, start: bool = True, background: bool = False) -> Indexer | None:
    """The node's indexer, created on first use; None when another process holds the writer.

    On first use it rebuilds a missing index from the database, or else applies the queue:
    at once, or with `background` in the indexer's own thread before it starts its loop.
    With `start`, a held writer is waited for in the background (see `index_lock`): the
    indexer appears, and starts, once the other process lets go of it. A standby process of
    a node served by several (see `chuanyu.duties`) never writes: it gets None and searches
    with a reader, until it becomes the leader.
    """
    with _create_lock:
        existing: Indexer | None = node.extras.get(EXTRA_KEY)
        if existing is None:
            if node.leader is not None and not node.leader.held:
                return None
            if node.extras.get(WAITER_KEY) is not None:
                return None
            index = node.extras.get("jobs.index") or open_index(node)
            node.extras["jobs.index"] = index
            existing = _take_writer(node, index)
            if existing is None:
                if start:
                    _wait_for_writer(node, index)
                return None
            node.extras[EXTRA_KEY] = existing
            if not background:
                try:
                    existing.prepare()
                except Exception as exc:  # the caller sees it; prepare() is tried again later
                    existing.note_failure(exc)
                    raise
    if start:
        existing.start()
    return existing


def _take_writer(node: Node, index: TantivyIndex) -> Indexer | None:
    """An indexer owning the index writer, or None while another process holds it."""
    try:
        index.writer()
    except IndexLocked:
        return None
    index.recheck_built()  # the process that held the writer may have filled the index
    indexer = Indexer(node, index)
    indexer.needs_rebuild = index.is_new
    # Closing the node releases the writer: a process that loaded data (the demo) must
    # not keep the serving node from indexing.
    node.closers.append(indexer.stop)
    return indexer


def _wait_for_writer(node: Node, index: TantivyIndex) -> None:
    """Keep trying to take the writer in the background; start the indexer once it is free."""

    def acquire() -> bool:
        with _create_lock:
            if node.extras.get(WAITER_KEY) is not waiter:
                return True  # stopped meanwhile
            indexer = _take_writer(node, index)
            if indexer is None:
                return False
            node.extras[EXTRA_KEY] = indexer
            del node.extras[WAITER_KEY]
        indexer.start()  # brings the index up to date in its own thread first
        return True

    log.warning("search index writer held by another process; waiting for it")
    waiter = node.extras[WAITER_KEY] = LockWaiter(acquire)
    node.closers.append(waiter.stop)
    waiter.start()


def index_health(node: Node) -> IndexHealth:
    """Whether this process writes the node's index, waits for its writer, or keeps failing."""
    indexer: Indexer | None = node.extras.get(EXTRA_KEY)
    if indexer is not None:
        if indexer.failing_since is not None:
            return IndexHealth(IndexState.FAILING, indexer.failing_since, indexer.last_error)
        return IndexHealth(IndexState.OK)
    waiter: LockWaiter | None = node.extras.get(WAITER_KEY)
    if waiter is not None:
        return IndexHealth(IndexState.WAITING, waiter.since, waiter.last_error)
    return IndexHealth(IndexState.IDLE)


def stop_indexing(node: Node) -> None:
    """Stop waiting for the writer, or stop the indexer and release the writer."""
    with _create_lock:
        waiter: LockWaiter | None = node.extras.pop(WAITER_KEY, None)
        indexer: Indexer | None = node.extras.pop(EXTRA_KEY, None)
    if waiter is not None:
        waiter.stop()
    if indexer is not None:
        indexer.stop()


def search_index(node: Node) -> TantivyIndex:
    """The index to search: the indexer's own, or a reader when another process writes."""
    indexer = indexer_for(node)
    if indexer is not None:
        return indexer.index
    index: TantivyIndex | None = node.extras.get("jobs.index")
    if index is None:
        index = node.extras["jobs.index"] = open_index(node)
    index.index.reload()
    return index


def wake_after_commit(*, session: Session) -> None:
    """Wake the node's indexer, if it has one, once `session`'s outermost transaction ends
    (a process without one, such as a bulk load feeding the index itself, starts none).

    Waking after a rollback as well is harmless (the indexer finds nothing new), and it keeps
    this independent of how the ORM reports commits of savepoints and of the outermost
    transaction (during `after_commit` the session still counts as in a transaction).
    """
    from sqlalchemy import event

    session.info["jobs_wake_pending"] = True
    if session.info.get("jobs_wake_listener"):
        return
    session.info["jobs_wake_listener"] = True

    def _wake(sess: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is not None or not sess.info.pop("jobs_wake_pending", False):
            return
        node = sess.info.get("node")
        indexer = node.extras.get(EXTRA_KEY) if node is not None else None
        if indexer is not None:
            indexer.wake()

    event.listen(session, "after_transaction_end", _wake)


def queued(*, session: Session) -> int:
    """Changes committed but not yet applied to the index."""
    return session.scalar(select(func.count()).select_from(IndexQueue)) or 0


def enqueue(*, session: Session, posting_ids: Sequence[str]) -> list[int]:
    """Queue postings for the index in the caller's transaction; returns the queue ids (in
    no particular order: asking for them in order makes SQLite insert row by row)."""
    if not posting_ids:
        return []
    table = QUEUE_TABLE
    ids = (
        session.execute(insert(table).returning(table.c.id),
                        [{"posting_id": pid} for pid in posting_ids])
        .scalars()
        .all()
    )  # fmt: skip
    wake_after_commit(session=session)
    return list(ids)
