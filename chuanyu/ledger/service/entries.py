"""Recording entries: create, update and delete on the owning node; list and read anywhere."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.core.pagination import fetch_page
from chuanyu.exchange import outbox
from chuanyu.ledger import parties, rules
from chuanyu.ledger.catalogue import Catalog, default_catalog
from chuanyu.ledger.enums import EntryStatus
from chuanyu.ledger.errors import EntryExists, EntryNotFound, NotOwner
from chuanyu.ledger.models import LedgerEntry, LedgerEntryParty, LedgerEntryTag
from chuanyu.ledger.parties import REGION_LABELS
from chuanyu.ledger.schemas import EntryCreate, EntryPage, EntryRead, EntryUpdate
from chuanyu.ledger.service.convert import entry_payload, fill, to_facts, to_read

STREAM = "ledger.entries"


@dataclass(frozen=True, slots=True)
class EntryFilter:
    """Filters of the entry list; None means "any"."""

    stage: int | None = None
    kind: str | None = None
    region: str | None = None
    party: str | None = None
    tag: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = None


def new_entry_id(member: str) -> str:
    """A fresh entry id carrying the recording node, e.g. `cq-3f2a9c1b0d4e`."""
    return f"{member.lower()}-{uuid.uuid4().hex[:12]}"


def _row(session: Session, entry_id: str) -> LedgerEntry:
    row = session.get(LedgerEntry, entry_id)
    if row is None:
        raise EntryNotFound(f"台账中没有编号为 {entry_id} 的记录")
    return row


def _owned(row: LedgerEntry, member: str) -> None:
    if row.owner != member:
        region = REGION_LABELS.get(row.owner, row.owner)
        raise NotOwner(f"该记录由{region}节点录入，只能在{region}节点修改或删除")


def add_entry(*, session: Session, member: str, data: EntryCreate) -> LedgerEntry:
    """Insert an entry owned by `member` and publish it (flushes only)."""
    entry_id = data.id or new_entry_id(member)
    if session.get(LedgerEntry, entry_id) is not None:
        raise EntryExists(f"编号 {entry_id} 已存在")
    if data.status == EntryStatus.DONE and data.no_later_than is None:
        # Recorded as done today, so it happened by today even when its date is not known.
        data = data.model_copy(update={"no_later_than": clock.today()})
    now = clock.now()
    row = LedgerEntry(id=entry_id, owner=member, version=1, created_at=now, updated_at=now)
    fill(row, data)
    session.add(row)
    session.flush()
    outbox.publish(
        session=session, stream=STREAM, event_type="entry.upserted", payload=entry_payload(row)
    )
    return row


def create_entry(*, session: Session, member: str, data: EntryCreate) -> EntryRead:
    """Record a new entry on this node and send it to the other region."""
    row = add_entry(session=session, member=member, data=data)
    return to_read(row)


def update_entry(*, session: Session, member: str, entry_id: str, data: EntryUpdate) -> EntryRead:
    """Replace an entry's content; only its owning node may."""
    row = _row(session, entry_id)
    _owned(row, member)
    fill(row, data)
    row.version += 1
    row.updated_at = clock.now()
    session.flush()
    outbox.publish(
        session=session, stream=STREAM, event_type="entry.upserted", payload=entry_payload(row)
    )
    return to_read(row)


def delete_entry(*, session: Session, member: str, entry_id: str) -> None:
    """Remove an entry; only its owning node may, and the other region follows."""
    row = _row(session, entry_id)
    _owned(row, member)
    payload = {"id": row.id, "owner": row.owner, "version": row.version + 1}
    session.delete(row)
    session.flush()
    outbox.publish(session=session, stream=STREAM, event_type="entry.deleted", payload=payload)


def get_entry(*, session: Session, entry_id: str) -> EntryRead:
    """One entry by id."""
    return to_read(_row(session, entry_id))


def _region_of(code: str) -> str | None:
    party = parties.find(code)
    return party.region if party else None


def list_entries(
    *,
    session: Session,
    filters: EntryFilter | None = None,
    limit: int = 50,
    offset: int = 0,
    catalog: Catalog | None = None,
) -> EntryPage:
    """Entries matching the filters, newest known date first, undated last."""
    f = filters or EntryFilter()
    query = select(LedgerEntry)
    if f.kind:
        query = query.where(LedgerEntry.kind == f.kind)
    if f.party:
        query = query.where(
            LedgerEntry.id.in_(
                select(LedgerEntryParty.entry_id).where(LedgerEntryParty.party_code == f.party)
            )
        )
    if f.tag:
        query = query.where(
            LedgerEntry.id.in_(select(LedgerEntryTag.entry_id).where(LedgerEntryTag.tag == f.tag))
        )
    if f.date_from:
        query = query.where(LedgerEntry.event_date >= f.date_from)
    if f.date_to:
        query = query.where(LedgerEntry.event_date <= f.date_to)
    if f.q:
        like = f"%{f.q}%"
        query = query.where(or_(LedgerEntry.title.like(like), LedgerEntry.summary.like(like)))
    order = (LedgerEntry.event_date.is_(None), LedgerEntry.event_date.desc(), LedgerEntry.id)
    if f.region is None and f.stage is None:
        # Everything filterable in SQL: count and page in the database.
        page, total = fetch_page(
            session=session, query=query.order_by(*order), limit=limit, offset=offset
        )
        return EntryPage(items=[to_read(r) for r in page], total=total, limit=limit, offset=offset)
    rows = list(session.scalars(query.order_by(*order)))
    if f.region:
        rows = [r for r in rows if any(_region_of(p.party_code) == f.region for p in r.parties)]
    if f.stage is not None:
        stages = (catalog or default_catalog()).stages
        rows = [r for r in rows if rules.stage_of(to_facts(r), stages) == f.stage]
    return EntryPage(
        items=[to_read(r) for r in rows[offset : offset + limit]],
        total=len(rows),
        limit=limit,
        offset=offset,
    )


def apply_remote_entry(*, session: Session, producer: str, payload: dict[str, Any]) -> None:
    """Store or refresh the replica of an entry the other node owns (flushes only)."""
    data = EntryRead.model_validate(payload)
    if data.owner != producer:
        raise NotOwner(f"{producer} 无权发布属于 {data.owner} 的台账记录")
    row = session.get(LedgerEntry, data.id)
    if row is not None and row.owner != producer:
        raise NotOwner(f"记录 {data.id} 属于 {row.owner}，不接受 {producer} 的修改")
    if row is not None and row.version >= data.version:
        return
    if row is None:
        row = LedgerEntry(id=data.id, owner=producer, created_at=data.created_at)
        session.add(row)
    fill(row, data)
    row.version = data.version
    row.updated_at = data.updated_at
    session.flush()


def apply_remote_delete(*, session: Session, producer: str, payload: dict[str, Any]) -> None:
    """Drop the replica of an entry its owner deleted (flushes only)."""
    row = session.get(LedgerEntry, str(payload["id"]))
    if row is None:
        return
    if row.owner != producer:
        raise NotOwner(f"记录 {row.id} 属于 {row.owner}，不接受 {producer} 的删除")
    session.delete(row)
    session.flush()
