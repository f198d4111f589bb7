"""Posting use cases: create, update, close, expire, read, and apply a peer's snapshot."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.core.errors import FieldError, InvalidInput, invalid
from chuanyu.core.schemas import UserRead, from_row
from chuanyu.exchange import limits, outbox
from chuanyu.jobs import events, indexing, permissions, reference, rules
from chuanyu.jobs.enums import PostingStatus
from chuanyu.jobs.errors import NotOwner, PostingNotFound, PostingNotOpen
from chuanyu.jobs.models import Employer, Posting
from chuanyu.jobs.schemas import PostingCreate, PostingFields, PostingRead, PostingUpdate


def _employer(*, session: Session, uscc: str, name: str, industry: str, division: str,
              member: str) -> Employer:  # fmt: skip
    employer = session.scalar(select(Employer).where(Employer.uscc == uscc))
    if employer is None:
        employer = Employer(
            id=uuid.uuid4().hex, uscc=uscc, name=name, industry_code=industry,
            division_code=division, origin=member, created_at=clock.now(),
        )  # fmt: skip
        try:
            with session.begin_nested():
                session.add(employer)
        except IntegrityError:
            # A concurrent request (another worker, on PostgreSQL) registered it first.
            employer = session.scalars(select(Employer).where(Employer.uscc == uscc)).one()
    return employer


def _check_region(data: PostingFields, member: str) -> None:
    if rules.owner_of(data.division_code) != member:
        raise InvalidInput(
            detail="工作地点不在本地区：岗位由工作地点所在地区发布",
            errors=[FieldError("division_code", "工作地点应在本地区（由本地区招聘平台发布）")],
        )


def _apply_fields(posting: Posting, data: PostingFields, today: date) -> None:
    start, end = data.period(today)
    problem = rules.validity_problem(start, end)
    if problem:
        raise invalid("valid_to", problem)
    for name in ("title", "occupation_code", "industry_code", "division_code", "description",
                 "contact_name", "contact_phone", "headcount"):  # fmt: skip
        setattr(posting, name, getattr(data, name))
    posting.salary_min, posting.salary_max = data.salary_min, data.salary_max
    posting.education = data.education.value
    posting.experience = data.experience.value
    posting.employment_type = data.employment_type.value
    posting.benefits = list(data.benefits)
    posting.valid_from, posting.valid_to = start, end


def _publish(*, session: Session, posting: Posting, employer: Employer, event_type: str) -> None:
    outbox.publish(
        session=session,
        stream=events.STREAM,
        event_type=event_type,
        payload=events.snapshot(posting, employer),
    )
    indexing.enqueue(session=session, posting_ids=[posting.id])


def create(*, session: Session, member: str, user: UserRead, data: PostingCreate) -> Posting:
    """Publish a new posting on this region's board."""
    permissions.require_can_post(user, member, data.employer_uscc)
    _check_region(data, member)
    employer = _employer(
        session=session, uscc=data.employer_uscc, name=data.employer_name,
        industry=data.industry_code, division=data.division_code, member=member,
    )  # fmt: skip
    now = clock.now()
    posting = Posting(
        id=uuid.uuid4().hex, origin=member, employer_id=employer.id,
        status=PostingStatus.OPEN.value, published_at=now, updated_at=now, version=1,
    )  # fmt: skip
    _apply_fields(posting, data, clock.today())
    session.add(posting)
    session.flush()
    _publish(session=session, posting=posting, employer=employer, event_type=events.CREATED)
    return posting


def get(*, session: Session, posting_id: str) -> Posting:
    """A posting by id (own or replicated)."""
    posting = session.get(Posting, posting_id)
    if posting is None:
        raise PostingNotFound(detail="没有这个岗位，请检查链接或重新搜索")
    return posting


def owned_open(*, session: Session, member: str, user: UserRead, posting_id: str) -> Posting:
    """An open posting of this region that `user` may change (else a refusal)."""
    posting = get(session=session, posting_id=posting_id)
    employer = session.get(Employer, posting.employer_id)
    if posting.origin != member:
        raise NotOwner(detail="该岗位由另一地区发布，只能在发布地修改或关闭")
    permissions.require_can_post(user, member, employer.uscc if employer else "")
    if posting.status != PostingStatus.OPEN.value:
        raise PostingNotOpen(detail="岗位已关闭或已过期，不能再修改")
    return posting


def update(*, session: Session, member: str, user: UserRead, posting_id: str,
           data: PostingUpdate) -> Posting:  # fmt: skip
    """Change the facts of an open posting of this region."""
    posting = owned_open(session=session, member=member, user=user, posting_id=posting_id)
    _check_region(data, member)
    _apply_fields(posting, data, posting.valid_from)
    posting.updated_at = clock.now()
    posting.version += 1
    _publish(
        session=session,
        posting=posting,
        employer=session.get_one(Employer, posting.employer_id),
        event_type=events.UPDATED,
    )
    return posting


def close(*, session: Session, member: str, user: UserRead, posting_id: str) -> Posting:
    """Close an open posting (filled or withdrawn)."""
    posting = owned_open(session=session, member=member, user=user, posting_id=posting_id)
    _transition(session=session, posting=posting, target=PostingStatus.CLOSED, kind=events.CLOSED)
    return posting


def _transition(*, session: Session, posting: Posting, target: PostingStatus, kind: str) -> None:
    if not rules.can_transition(PostingStatus(posting.status), target):
        raise PostingNotOpen(detail="岗位已关闭或已过期")
    posting.status = target.value
    posting.updated_at = clock.now()
    posting.version += 1
    _publish(
        session=session,
        posting=posting,
        employer=session.get_one(Employer, posting.employer_id),
        event_type=kind,
    )


def expire_due(*, session: Session, member: str, limit: int = 500,
               end_batch: Callable[[], None] | None = None) -> int:
    """Mark this region's open postings past their end date as expired, tell the peer in
    batches and queue them for the index; returns how many. The caller owning the transaction
    may pass its commit as `end_batch` to make every batch a unit of work of its own."""
    today = clock.today()
    done = 0
    while True:
        due = session.scalars(
            select(Posting)
            .where(
                Posting.origin == member,
                Posting.status == PostingStatus.OPEN.value,
                Posting.valid_to < today,
            )  # fmt: skip
            .order_by(Posting.id)
            .limit(limit)
        ).all()
        if due:
            now = clock.now()
            for posting in due:
                posting.status = PostingStatus.EXPIRED.value
                posting.updated_at = now
                posting.version += 1
            session.flush()
            employers = {
                e.id: {f: getattr(e, f) for f in events.EMPLOYER_FIELDS}
                for e in session.scalars(
                    select(Employer).where(Employer.id.in_({p.employer_id for p in due}))
                )
            }
            rows = [{f: getattr(p, f) for f in events.POSTING_FIELDS} for p in due]
            for chunk in limits.by_size(rows, events.row_bytes):
                used = sorted({r["employer_id"] for r in chunk})
                payload = events.batch_payload(chunk, [employers[e] for e in used])
                outbox.publish(
                    session=session, stream=events.STREAM, event_type=events.BATCH, payload=payload
                )
            indexing.enqueue(session=session, posting_ids=[p.id for p in due])
        if end_batch is not None:
            end_batch()
        done += len(due)
        if len(due) < limit:
            return done


def read(*, session: Session, posting: Posting) -> PostingRead:
    """The API view of a posting."""
    employer = session.get_one(Employer, posting.employer_id)
    return from_row(PostingRead, posting, employer_name=employer.name,
                    employer_uscc=employer.uscc,
                    place=reference.place(posting.division_code).label)


def managed(*, session: Session, member: str, user: UserRead,
            limit: int = 100) -> list[tuple[Posting, str]]:  # fmt: skip
    """This region's postings `user` may manage (all for an officer, an employer's own
    otherwise), most recently changed first, with the employer's name."""
    query = (
        select(Posting, Employer.name)
        .join(Employer, Employer.id == Posting.employer_id)
        .where(Posting.origin == member)
    )
    if not user.has("hr_officer"):
        query = query.where(Employer.uscc == (user.subject_id or "-"))
    rows = session.execute(query.order_by(Posting.updated_at.desc()).limit(limit))
    return [(p, name) for p, name in rows]
