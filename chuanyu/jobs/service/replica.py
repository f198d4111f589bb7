"""Applying the other region's postings: bulk upserts of snapshots, newest version wins."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.core.db import insert_many
from chuanyu.jobs import events, indexing
from chuanyu.jobs.models import EMPLOYER_TABLE, POSTING_TABLE, Employer, Posting

CHUNK = 500
_UPDATABLE = [f for f in events.POSTING_FIELDS if f != "id"]


def _carried(event_type: str, payload: dict[str, Any]
             ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:  # fmt: skip
    """(id, origin) of each posting and of each employer an event carries, without decoding."""
    if event_type == events.BATCH and "rows" in payload:
        fields, efields = list(payload["fields"]), list(payload["employer_fields"])
        pid, porigin = fields.index("id"), fields.index("origin")
        eid, eorigin = efields.index("id"), efields.index("origin")
        return ([(r[pid], r[porigin]) for r in payload["rows"]],
                [(e[eid], e[eorigin]) for e in payload["employers"]])
    snaps = payload["items"] if event_type == events.BATCH else [payload]
    return ([(s["posting"]["id"], s["posting"]["origin"]) for s in snaps],
            [(s["employer"]["id"], s["employer"]["origin"]) for s in snaps])


def claimed_origins(event_type: str, payload: dict[str, Any]) -> set[str]:
    """The regions the event's postings say they come from."""
    return {str(origin) for _, origin in _carried(event_type, payload)[0]}


def stored_origins(session: Session, event_type: str, payload: dict[str, Any]) -> set[str]:
    """Origins of the postings held here that the event would replace, and of the employers it
    would add (an employer already held is never changed by a posting event)."""
    postings, employers = _carried(event_type, payload)
    found: set[str] = set()
    ids = [str(pid) for pid, _ in postings]
    for i in range(0, len(ids), CHUNK):
        found.update(session.scalars(select(Posting.origin).where(
            Posting.id.in_(ids[i : i + CHUNK]))))
    emp_ids = list({str(eid): str(origin) for eid, origin in employers}.items())
    for i in range(0, len(emp_ids), CHUNK):
        chunk = dict(emp_ids[i : i + CHUNK])
        held = set(session.scalars(select(Employer.id).where(Employer.id.in_(list(chunk)))))
        found.update(origin for eid, origin in chunk.items() if eid not in held)
    return found


def apply_event(*, session: Session, event_type: str, payload: dict[str, Any]) -> list[str]:
    """Upsert the postings (and employers) of one event; returns the posting ids."""
    employers, postings = events.decode(event_type, payload)
    return apply_rows(session=session, employers=employers, postings=postings)


def apply_rows(*, session: Session, employers: list[dict[str, Any]],
               postings: list[dict[str, Any]]) -> list[str]:  # fmt: skip
    """Insert unknown employers and postings, replace postings we hold an older version of,
    and queue them all for the index, in the caller's transaction."""
    session.flush()
    known_emps = set(
        session.scalars(select(Employer.id).where(Employer.id.in_({e["id"] for e in employers})))
    )
    fresh: dict[str, dict[str, Any]] = {}
    now = clock.now()
    for e in employers:
        if e["id"] not in known_emps and e["id"] not in fresh:
            fresh[e["id"]] = {**e, "created_at": now}
    if fresh:
        insert_many(session, EMPLOYER_TABLE, list(fresh.values()))
    ids = [p["id"] for p in postings]
    held: dict[str, int] = {}
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        found = session.execute(select(Posting.id, Posting.version).where(Posting.id.in_(chunk)))
        for pid, version in found:
            held[pid] = version
    latest: dict[str, dict[str, Any]] = {}
    for p in postings:  # a batch may carry the same posting twice: keep its newest version
        if p["id"] not in latest or latest[p["id"]]["version"] < p["version"]:
            latest[p["id"]] = p
    new = [p for pid, p in latest.items() if pid not in held]
    newer = [{**p, "b_id": pid} for pid, p in latest.items() if pid in held
             and held[pid] < p["version"]]  # fmt: skip
    if new:
        insert_many(session, POSTING_TABLE, new)
    if newer:
        table = POSTING_TABLE
        stmt = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values({f: bindparam(f) for f in _UPDATABLE})
        )
        session.connection().execute(stmt, newer)
    stale = {p["id"] for p in newer}
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Posting) and obj.id in stale:
            session.expire(obj)
    indexing.enqueue(session=session, posting_ids=list(latest))
    return list(latest)
