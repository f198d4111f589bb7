"""Keeping the search index a faithful projection of the database.

Every change to a posting (own or replicated) adds a row to `jobs_index_queue` in the same
transaction. The indexer reads queued rows, applies the postings' current state to the index,
commits the index, and only then deletes those rows. A crash anywhere leaves the rows in
place, so the next start re-applies them (idempotently): the index never misses a posting
the database has, and never shows one the database does not (it only ever learns of
committed rows). Commits are batched by time and count.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session, SessionTransaction

from chuanyu.core.node import Node
from chuanyu.jobs.enums import PostingStatus
from chuanyu.jobs.models import QUEUE_TABLE, Employer, IndexQueue, Posting
from chuanyu.jobs.search.base import PostingDoc
from chuanyu.jobs.search.tantivy_index import IndexLocked, TantivyIndex

log = logging.getLogger(__name__)

EXTRA_KEY = "jobs.indexer"
# Commits at most this often: a lone change is indexed at once, a stream of changes in
# batches (each commit costs a segment flush and a reader reload).
MIN_COMMIT_INTERVAL_S = 0.1
POLL_S = 0.5
BATCH = 5000
_create_lock = threading.Lock()


def index_dir(node: Node) -> Path:
    """Where this node keeps its search index."""
    return Path(node.settings.var_dir) / f"{node.member.lower()}-jobs-index"


def doc_of(posting: Posting, employer_name: str) -> PostingDoc:
    """The index projection of a posting row."""
    return PostingDoc(
        id=posting.id,
        origin=posting.origin,
        title=posting.title,
        employer_name=employer_name,
        occupation_code=posting.occupation_code,
        industry_code=posting.industry_code,
        division_code=posting.division_code,
        salary_min=int(posting.salary_min),
        salary_max=int(posting.salary_max),
        education=posting.education,
        experience=posting.experience,
        employment_type=posting.employment_type,
        headcount=posting.headcount,
        benefits=list(posting.benefits),
        description=posting.description,
        published_at=posting.published_at,
        valid_to=posting.valid_to,
    )


def _load(session: Session, ids: Sequence[str]) -> dict[str, PostingDoc]:
    rows = session.execute(
        select(Posting, Employer.name)
        .join(Employer, Employer.id == Posting.employer_id)
        .where(Posting.id.in_(ids), Posting.status == PostingStatus.OPEN.value)
    ).all()
    return {p.id: doc_of(p, name) for p, name in rows}


class RebuildCancelled(RuntimeError):
    """A rebuild stopped before it finished (its changes to the index are rolled back)."""


class Indexer:
    """The one writer of a node's index; applies queued changes and commits in batches."""

    def __init__(self, node: Node, index: TantivyIndex) -> None:
        self.node = node
        self.index = index
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._feeders = 0  # bulk loads adding documents themselves; the loop waits for them
        self._start_wanted = False
        self._drain_lock = threading.Lock()
        self._prepare_lock = threading.Lock()
        self.needs_rebuild = False
        self.prepared = threading.Event()
        self._rebuilding: threading.Thread | None = None
        self.rebuild_progress: tuple[int, int] = (0, 0)  # (done, total) of the last rebuild
        self.rebuild_error: str | None = None

    def prepare(self) -> None:
        """Bring a new index up from the database, or apply what is queued (once)."""
        with self._prepare_lock:
            if self.prepared.is_set():
                return
            if self.needs_rebuild:
                self.rebuild()
            else:
                self.catch_up()
            self.prepared.set()

    def drain_once(self, limit: int = BATCH) -> int:
        """Apply up to `limit` queued changes, commit the index, forget them; returns count."""
        with self._drain_lock, self.node.sessions() as session:
            queued = session.execute(
                select(IndexQueue.id, IndexQueue.posting_id).order_by(IndexQueue.id).limit(limit)
            ).all()
            if not queued:
                return 0
            ids = list({pid for _qid, pid in queued})
            docs = _load(session, ids)
            gone = [pid for pid in ids if pid not in docs]
            if docs:
                self.index.upsert(list(docs.values()))
            if gone:
                self.index.delete(gone)
            self.index.commit()
            session.execute(delete(IndexQueue).where(IndexQueue.id.in_([q for q, _ in queued])))
            session.commit()
            return len(queued)

    def catch_up(self) -> int:
        """Apply everything queued now; returns how many changes were applied."""
        total = 0
        while n := self.drain_once():
            total += n
        return total

    def rebuild(
        self, progress: Callable[[int, int], None] | None = None, *, batch: int = BATCH
    ) -> int:
        """Rebuild the index from every open posting in the database; returns the count.

        Postings are read in short transactions, one per batch: on SQLite every transaction
        holds the node's write slot, and one long read would stop all writing for as long as
        the rebuild runs. Reading batch by batch is safe because every change committed
        after the rebuild starts is queued, and applied once the rebuild has committed.
        """
        with self._drain_lock:
            with self.node.sessions() as session:
                # The queued changes committed before the rebuild reads anything are covered
                # by it; later ones stay queued (ids need not grow in commit order).
                covered = list(session.scalars(select(IndexQueue.id)))
                open_only = Posting.status == PostingStatus.OPEN.value
                total = session.scalar(select(func.count()).where(open_only)) or 0
            self.index.clear()
            done, last = 0, ""
            try:
                while docs := self._open_postings_after(last, batch):
                    if self._stop.is_set():
                        raise RebuildCancelled("the node is stopping")
                    self.index.add_new(docs)
                    done += len(docs)
                    last = docs[-1].id
                    if progress:
                        progress(done, total)
            except BaseException:
                # Nothing of a rebuild that did not finish may reach the index: the next
                # commit would otherwise publish a half-filled index.
                self.index.rollback()
                raise
            self.index.commit()
            with self.node.sessions() as session:
                for i in range(0, len(covered), 5000):
                    chunk = covered[i : i + 5000]
                    session.execute(delete(IndexQueue).where(IndexQueue.id.in_(chunk)))
                session.commit()
            self.needs_rebuild = False
        return done

    @property
    def rebuilding(self) -> bool:
        """True while a rebuild started by `start_rebuild` runs."""
        return self._rebuilding is not None and self._rebuilding.is_alive()

    def start_rebuild(self) -> bool:
        """Rebuild in a thread of its own while the node keeps serving (searches see the old
        index until the rebuild commits); False when a rebuild or a bulk load feeding the
        index runs, or the indexer is stopping."""
        with self._start_lock:
            # A bulk load feeding the index itself would commit the half-built index.
            if self.rebuilding or self._feeders or self._stop.is_set():
                return False
            self.rebuild_progress, self.rebuild_error = (0, 0), None
            self._rebuilding = threading.Thread(target=self._rebuild_quietly,
                                                name="jobs-rebuild", daemon=True)  # fmt: skip
            self._rebuilding.start()
        return True

    def _rebuild_quietly(self) -> None:
        try:
            self.rebuild(lambda done, total: setattr(self, "rebuild_progress", (done, total)))
        except Exception as exc:  # reported through the status; the queue keeps the changes
            log.exception("search index rebuild failed")
            self.rebuild_error = str(exc) or type(exc).__name__

    def _open_postings_after(self, last: str, limit: int = BATCH) -> list[PostingDoc]:
        """The next `limit` open postings by id after `last`, in a transaction of their own."""
        with self.node.sessions() as session:
            rows = session.execute(
                select(Posting, Employer.name)
                .join(Employer, Employer.id == Posting.employer_id)
                .where(Posting.status == PostingStatus.OPEN.value, Posting.id > last)
                .order_by(Posting.id)
                .limit(limit)
            ).all()
            return [doc_of(p, name) for p, name in rows]

    # -- background loop ------------------------------------------------------------------

    def wake(self) -> None:
        """Tell the loop that changes were committed."""
        self._wake.set()

    @property
    def running(self) -> bool:
        """True while the background loop runs."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Run the loop in a daemon thread (idempotent); deferred while a bulk load feeds
        the index directly, as the loop would index the same postings a second time."""
        with self._start_lock:
            if self._feeders:
                self._start_wanted = True
                return
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="jobs-indexer",
                                                daemon=True)  # fmt: skip
                self._thread.start()

    def claim_direct_feed(self) -> bool:
        """For a bulk load that adds its postings to the index itself: True, and the loop
        does not start until `release_direct_feed`; False when the loop already runs (the
        load must then leave indexing to it), as when a rebuild runs."""
        with self._start_lock:
            if self.running or self.rebuilding:
                return False
            self._feeders += 1
            return True

    def release_direct_feed(self) -> None:
        """End a direct feed; start the loop if it was asked for meanwhile."""
        with self._start_lock:
            self._feeders -= 1
            wanted = self._feeders == 0 and self._start_wanted
            self._start_wanted = False
        if wanted:
            self.start()

    def stop(self) -> None:
        """Stop the loop (and a running rebuild, which is rolled back) and release the writer."""
        self._stop.set()
        self._wake.set()
        if self._rebuilding is not None:
            self._rebuilding.join(timeout=30)
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self.index.close()

    def _run(self) -> None:
        try:
            self.prepare()
        except Exception:  # retried below, like any failed round
            log.exception("search index start-up failed; retrying")
        last_round = 0.0
        while not self._stop.is_set():
            self._wake.wait(POLL_S)
            if self._stop.is_set():
                break
            if self._wake.is_set():
                # Right after a commit, let changes gather so that one commit serves them all.
                self._stop.wait(max(0.0, last_round + MIN_COMMIT_INTERVAL_S - time.monotonic()))
                if self._stop.is_set():
                    break
                self._wake.clear()
            last_round = time.monotonic()
            try:
                self.prepare()
                self.catch_up()
            except Exception:  # the loop must outlive a failed round; the queue keeps the work
                log.exception("search index catch-up failed; retrying")
                self._stop.wait(1.0)


def open_index(node: Node) -> TantivyIndex:
    """The node's index, opened for reading (and writing, when this process gets the lock)."""
    return TantivyIndex(index_dir(node))


def indexer_for(node: Node, *, start: bool = True, background: bool = False) -> Indexer | None:
    """The node's indexer, created on first use; None when another process holds the writer.

    On first use it rebuilds a missing index from the database, or else applies the queue:
    at once, or with `background` in the indexer's own thread before it starts its loop.
    """
    with _create_lock:
        existing = node.extras.get(EXTRA_KEY)
        if existing is not None or node.extras.get(EXTRA_KEY + ".locked"):
            if start and existing is not None:
                existing.start()
            return existing
        index = node.extras.get("jobs.index") or open_index(node)
        node.extras["jobs.index"] = index
        try:
            index.writer()
        except IndexLocked:
            node.extras[EXTRA_KEY + ".locked"] = True
            return None
        indexer = Indexer(node, index)
        indexer.needs_rebuild = index.is_new
        # Closing the node releases the writer: a process that loaded data (the demo) must
        # not keep the serving node from indexing.
        node.closers.append(indexer.stop)
        if not background:
            indexer.prepare()
        node.extras[EXTRA_KEY] = indexer
    if start:
        indexer.start()
    return indexer


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


def wake_after_commit(session: Session) -> None:
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


def queued(session: Session) -> int:
    """Changes committed but not yet applied to the index."""
    return session.scalar(select(func.count()).select_from(IndexQueue)) or 0


def enqueue(session: Session, posting_ids: Sequence[str]) -> list[int]:
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
    wake_after_commit(session)
    return list(ids)
