"""Bulk ingest: validate, store, publish and index postings in large batches.

Used by the file import (all-or-nothing) and by the generator (streaming). Rows go in with
executemany; peers get one compact event per 500 postings; the index is fed straight from the
records when this process holds the index writer (queue rows are removed only once the index
has committed them), or else from the queue by the node's indexer. When writing the index
fails, the load goes on storing and leaves the postings not yet committed to the index in the
queue, for the node's indexer.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import delete, select

from chuanyu.core import clock
from chuanyu.core.db import insert_many, read_scope, write_scope
from chuanyu.core.errors import FieldError, InvalidInput
from chuanyu.exchange import limits, outbox
from chuanyu.jobs import events, indexing, rules
from chuanyu.jobs.enums import PostingStatus
from chuanyu.jobs.models import EMPLOYER_TABLE, POSTING_TABLE, Employer, IndexQueue
from chuanyu.jobs.schemas import IngestRecord
from chuanyu.jobs.search.base import PostingDoc
from chuanyu.jobs.search.tantivy_index import IndexWriteFailed
from chuanyu.node import Node

log = logging.getLogger(__name__)

BATCH = 2000
EVENT_BATCH = 500
# A bulk load commits the index by count and by time: each commit costs a segment flush.
INDEX_COMMIT_DOCS = 100_000
INDEX_COMMIT_S = 15.0
_records = TypeAdapter(IngestRecord)


@dataclass
class RowError:
    """A problem with one row of an import file."""

    row: int
    field: str
    message: str


@dataclass
class IngestResult:
    """What an ingest did."""

    postings: int = 0
    employers: int = 0
    indexed: int = 0
    errors: list[RowError] = field(default_factory=list)


def validate_record(row: dict[str, Any]) -> IngestRecord:
    """One record, validated (raises pydantic's `ValidationError`)."""
    return _records.validate_python(row)


def validate_rows(
    rows: Iterable[dict[str, Any]], member: str
) -> tuple[list[IngestRecord], list[RowError]]:
    """Check every row; returns the records and the errors (row numbers from 1)."""
    records, errors = [], []
    for n, row in enumerate(rows, 1):
        try:
            record = _records.validate_python(row)
        except ValidationError as exc:
            for e in exc.errors():
                errors.append(RowError(n, ".".join(str(x) for x in e["loc"]), e["msg"]))
            continue
        if rules.owner_of(record.division_code) != member:
            errors.append(RowError(n, "division_code", "工作地点应在本地区"))
            continue
        records.append(record)
    return records, errors


def _rows(records: list[IngestRecord], member: str, employers: dict[str, str],
          today: date) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:  # fmt: skip
    now = clock.now()
    new_employers, postings = [], []
    for r in records:
        emp_id = employers.get(r.employer_uscc)
        if emp_id is None:
            emp_id = employers[r.employer_uscc] = uuid.uuid4().hex
            new_employers.append({
                "id": emp_id, "uscc": r.employer_uscc, "name": r.employer_name,
                "industry_code": r.industry_code, "division_code": r.division_code,
                "origin": member, "created_at": now,
            })  # fmt: skip
        start = r.valid_from or today
        postings.append({
            "id": r.id or uuid.uuid4().hex, "origin": member, "employer_id": emp_id,
            "title": r.title, "occupation_code": r.occupation_code,
            "industry_code": r.industry_code, "division_code": r.division_code,
            "salary_min": r.salary_min, "salary_max": r.salary_max,
            "education": r.education.value, "experience": r.experience.value,
            "employment_type": r.employment_type.value, "headcount": r.headcount,
            "benefits": r.benefits, "description": r.description,
            "contact_name": r.contact_name, "contact_phone": r.contact_phone,
            "valid_from": start, "valid_to": r.valid_to or start + timedelta(days=60),
            "status": r.status.value, "published_at": r.published_at or now, "updated_at": now,
            "version": 1,
        })  # fmt: skip
    return new_employers, postings


def _doc(row: dict[str, Any], employer_name: str) -> PostingDoc:
    return PostingDoc(
        id=row["id"], origin=row["origin"], title=row["title"], employer_name=employer_name,
        occupation_code=row["occupation_code"], industry_code=row["industry_code"],
        division_code=row["division_code"], salary_min=int(row["salary_min"]),
        salary_max=int(row["salary_max"]), education=row["education"],
        experience=row["experience"], employment_type=row["employment_type"],
        headcount=row["headcount"], benefits=row["benefits"], description=row["description"],
        published_at=row["published_at"], valid_to=row["valid_to"],
    )  # fmt: skip


class Ingest:
    """Stores batches of validated records, each batch one transaction."""

    def __init__(self, node: Node, *, publish: bool = True) -> None:
        self.node = node
        self.publish = publish
        self.result = IngestResult()
        with read_scope(node) as session:
            self.employer_rows = {
                e.id: {f: getattr(e, f) for f in events.EMPLOYER_FIELDS}
                for e in session.scalars(select(Employer))
            }
        self.employers = {e["uscc"]: e["id"] for e in self.employer_rows.values()}
        self._pending_queue: list[int] = []
        self._pending_docs = 0
        self._pending_since = time.monotonic()
        # Brought up to date below, once this load has claimed the feed.
        self.indexer = indexing.indexer_for(node, start=False, background=True)
        if self.indexer is not None and not self.indexer.claim_direct_feed():
            # The node's own indexer follows the queue: feeding the index here as well
            # would index every posting twice.
            self.indexer = None
        if self.indexer is not None:
            try:
                self.indexer.prepare()
            except IndexWriteFailed as exc:
                self._leave_to_queue(exc)
            except BaseException:
                self.indexer.release_direct_feed()
                raise

    def store(self, records: list[IngestRecord]) -> None:
        """Store one batch of records (one database transaction), then index it."""
        new_emps, rows = _rows(records, self.node.member, self.employers, clock.today())
        for e in new_emps:
            self.employer_rows[e["id"]] = e
        open_rows = [r for r in rows if r["status"] == PostingStatus.OPEN.value]
        with write_scope(self.node) as session:  # each batch is a unit of work of its own
            if new_emps:
                insert_many(session, EMPLOYER_TABLE, new_emps)
            insert_many(session, POSTING_TABLE, rows)
            queued = indexing.enqueue(session=session, posting_ids=[r["id"] for r in open_rows])
            if self.publish:
                for chunk in limits.by_size(rows, events.row_bytes, most=EVENT_BATCH):
                    emps = [self.employer_rows[e] for e in {r["employer_id"] for r in chunk}]
                    payload = events.batch_payload(chunk, emps)
                    outbox.publish(
                        session=session,
                        stream=events.STREAM,
                        event_type=events.BATCH,
                        payload=payload,
                    )
        self.result.postings += len(rows)
        self.result.employers += len(new_emps)
        if self.indexer is not None:
            names = self.employer_rows
            docs = [_doc(r, names[r["employer_id"]]["name"]) for r in open_rows]
            self._pending_queue.extend(queued)
            self._pending_docs += len(docs)
            try:
                self.indexer.index.add_new(docs)
            except IndexWriteFailed as exc:
                self._leave_to_queue(exc)
                return
            due = time.monotonic() - self._pending_since >= INDEX_COMMIT_S
            if self._pending_docs >= INDEX_COMMIT_DOCS or due:
                self.flush()

    def _leave_to_queue(self, exc: IndexWriteFailed) -> None:
        """Stop feeding the index: what it has not committed stays queued for the indexer."""
        indexer, self.indexer = self.indexer, None
        if indexer is None:
            return
        log.warning("bulk load stopped feeding the search index (%s); %d postings stay queued",
                    exc, self._pending_docs)  # fmt: skip
        indexer.note_failure(exc)
        indexer.release_direct_feed()
        self._pending_queue, self._pending_docs = [], 0

    def flush(self) -> None:
        """Commit the index and forget the queue rows it now covers."""
        if self.indexer is None:
            return
        try:
            self.indexer.index.commit()
        except IndexWriteFailed as exc:
            self._leave_to_queue(exc)
            return
        self.result.indexed += self._pending_docs
        if self._pending_queue:
            with write_scope(self.node) as session:
                for i in range(0, len(self._pending_queue), 5000):
                    chunk = self._pending_queue[i : i + 5000]
                    session.execute(delete(IndexQueue).where(IndexQueue.id.in_(chunk)))
        self._pending_queue = []
        self._pending_docs = 0
        self._pending_since = time.monotonic()

    def close(self) -> None:
        """Flush, and hand indexing back to the node's indexer."""
        try:
            self.flush()
        finally:
            if self.indexer is not None:
                self.indexer.release_direct_feed()
                self.indexer = None


def stream(node: Node, records: Iterator[IngestRecord], *, publish: bool = True,
           progress: Callable[[int], None] | None = None) -> IngestResult:  # fmt: skip
    """Store records as they come, in batches; returns counts."""
    ingest = Ingest(node, publish=publish)
    try:
        batch: list[IngestRecord] = []
        for record in records:
            batch.append(record)
            if len(batch) >= BATCH:
                ingest.store(batch)
                if progress:
                    progress(len(batch))
                batch = []
        if batch:
            ingest.store(batch)
            if progress:
                progress(len(batch))
    finally:
        ingest.close()
    return ingest.result


def import_rows(node: Node, rows: list[dict[str, Any]]) -> IngestResult:
    """Import a whole file: every row checked first; nothing stored when any row is bad."""
    records, errors = validate_rows(rows, node.member)
    if errors:
        raise InvalidInput(
            detail=f"导入文件有 {len(errors)} 处错误，未导入任何岗位",
            errors=[FieldError(f"第{e.row}行.{e.field}", e.message) for e in errors[:200]],
        )
    return stream(node, iter(records))
