"""The indexer: the one writer of a node's search index, fed from the index queue.

It reads queued rows, applies the postings' current state to the index, commits the index,
and only then deletes those rows (see `indexing` for why the index stays faithful). A failed
index write rolls the index back to its last commit and keeps the rows, so the next round
applies them again; the last failure is kept so the node can report it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.core.db import read_scope, write_scope
from chuanyu.jobs import index_lock
from chuanyu.jobs.enums import PostingStatus
from chuanyu.jobs.models import Employer, IndexQueue, Posting
from chuanyu.jobs.search.base import PostingDoc
from chuanyu.jobs.search.tantivy_index import TantivyIndex
from chuanyu.node import Node

log = logging.getLogger(__name__)

# Commits at most this often: a lone change is indexed at once, a stream of changes in
# batches (each commit costs a segment flush and a reader reload).
MIN_COMMIT_INTERVAL_S = 0.1
POLL_S = 0.5
BATCH = 5000


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
        self.failing_since: datetime | None = None  # first of the failures since a success
        self.last_error: str | None = None

    def note_failure(self, exc: BaseException) -> None:
        """Record a failed attempt to apply changes (shown on the node's status)."""
        self.last_error = str(exc) or type(exc).__name__
        if self.failing_since is None:
            self.failing_since = clock.now()

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
        with self._drain_lock:
            with read_scope(self.node) as session:
                queued = session.execute(
                    select(IndexQueue.id, IndexQueue.posting_id).order_by(IndexQueue.id)
                    .limit(limit)
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
            # The index commits outside any database transaction; the queue rows it covers
            # are forgotten after it (a crash in between applies them again, which is harmless).
            self.index.commit()
            with write_scope(self.node) as session:
                session.execute(
                    delete(IndexQueue).where(IndexQueue.id.in_([q for q, _ in queued])))
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

        Postings are read in short read transactions, one per batch, so the rebuild pins no
        snapshot for its whole run. Reading batch by batch is safe because every change
        committed after the rebuild starts is queued, and applied once the rebuild has
        committed.
        """
        with self._drain_lock:
            with read_scope(self.node) as session:
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
            with write_scope(self.node) as session:
                for i in range(0, len(covered), 5000):
                    chunk = covered[i : i + 5000]
                    session.execute(delete(IndexQueue).where(IndexQueue.id.in_(chunk)))
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
            self.note_failure(exc)

    def _open_postings_after(self, last: str, limit: int = BATCH) -> list[PostingDoc]:
        """The next `limit` open postings by id after `last`, in a transaction of their own."""
        with read_scope(self.node) as session:
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
        except Exception as exc:  # retried below, like any failed round
            log.exception("search index start-up failed; retrying")
            self.note_failure(exc)
        last_round = 0.0
        pauses = index_lock.retry_delays(index_lock.FIRST_RETRY_S, index_lock.MAX_RETRY_S)
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
            except Exception as exc:  # the loop outlives a failed round; the queue keeps its work
                log.exception("search index catch-up failed; retrying")
                self.note_failure(exc)
                # A full disk stays full for a while: retry less and less often.
                self._stop.wait(next(pauses))
                continue
            if self.failing_since is not None:
                log.info("search index catch-up works again")
                self.failing_since = self.last_error = None
                pauses = index_lock.retry_delays(index_lock.FIRST_RETRY_S,
                                                 index_lock.MAX_RETRY_S)  # fmt: skip
