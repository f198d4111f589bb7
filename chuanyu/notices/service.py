"""Use cases of notices. Every function takes a keyword-only `session` and only flushes.

    notify(session=…, recipient=…, kind=…, subject=…, body=…, link=…, key=…)
        write notices (and their outbound deliveries) in the caller's transaction
    list_for, unread_count, mark_read, mark_all_read     the caller's message centre
    get_contact, set_contact                             e-mail / phone for outbound channels
    list_deliveries, retry_failed                        the delivery outbox, for administrators

Recipients are addresses: `user_address(id)`, `subject_address(resident ID or USCC)` (every
account of this node acting for that subject, matched by `subject_id`), `role_address(role)`
(fanned out to each active account holding the role when the notice is written).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.core.models import User
from chuanyu.core.pagination import fetch_page
from chuanyu.core.schemas import UserRead
from chuanyu.notices import channels, delivery
from chuanyu.notices.enums import DeliveryStatus, NoticeKind
from chuanyu.notices.errors import NoticeNotFound
from chuanyu.notices.models import Contact, Notice, NoticeDelivery
from chuanyu.notices.schemas import ContactIn, ContactRead, NoticePage, NoticeRead


def user_address(user_id: int) -> str:
    """The address of one account."""
    return f"user:{user_id}"


def subject_address(subject_id: str) -> str:
    """The address of a person or organisation (resident ID or USCC, upper case)."""
    return f"subject:{subject_id.strip().upper()}"


def role_address(role: str) -> str:
    """The address of every account holding `role` (expanded when the notice is written)."""
    return f"role:{role}"


def addresses_of(user: UserRead) -> list[str]:
    """Every address whose notices `user` reads."""
    found = [user_address(user.id)]
    if user.subject_id:
        found.append(subject_address(user.subject_id))
    return found


def _role_holders(*, session: Session, role: str) -> list[int]:
    rows = session.execute(select(User.id, User.roles).where(User.is_active.is_(True)))
    return [uid for uid, roles in rows if role in roles.split(",")]


def _accounts_of(*, session: Session, recipient: str) -> list[int]:
    kind, _, value = recipient.partition(":")
    if kind == "user":
        return [int(value)]
    if kind == "subject":
        return list(session.scalars(select(User.id).where(
            func.upper(User.subject_id) == value, User.is_active.is_(True))))
    return []


def _outbound(*, session: Session, notice: Notice) -> None:
    node = session.info.get("node")
    if node is None:
        return
    enabled = channels.for_node(node)
    if not enabled:
        return
    accounts = _accounts_of(session=session, recipient=notice.recipient)
    contacts = list(session.scalars(select(Contact).where(Contact.user_id.in_(accounts)))
                    ) if accounts else []
    now = clock.now()
    for name, channel in enabled.items():
        addresses = {getattr(c, channel.contact_field) for c in contacts} - {None, ""}
        for address in sorted(addresses):
            notice.deliveries.append(NoticeDelivery(
                channel=name, address=address, status=DeliveryStatus.PENDING.value, attempts=0,
                next_attempt_at=now, created_at=now))
    if notice.deliveries:
        delivery.wake_after_commit(session=session)


def notify(
    *,
    session: Session,
    recipient: str,
    kind: NoticeKind | str,
    subject: str,
    body: str,
    link: str | None = None,
    key: str | None = None,
) -> list[Notice]:
    """Write a notice for `recipient` in the caller's transaction, with one outbound delivery
    per enabled channel and known address; flushes. With `key`, a recipient gets at most one
    notice per key (a repeated call returns nothing new)."""
    if recipient.startswith("role:"):
        targets = [user_address(uid) for uid in _role_holders(session=session, role=recipient[5:])]
    else:
        targets = [recipient]
    written = []
    for target in targets:
        if key is not None and session.scalar(select(Notice.id).where(
                Notice.recipient == target, Notice.dedup_key == key)) is not None:
            continue
        notice = Notice(recipient=target, kind=str(kind), subject=subject[:200], body=body,
                        link=link, dedup_key=key, created_at=clock.now())
        session.add(notice)
        _outbound(session=session, notice=notice)
        written.append(notice)
    session.flush()
    return written


def _mine(user: UserRead) -> object:
    return Notice.recipient.in_(addresses_of(user))


def unread_count(*, session: Session, user: UserRead) -> int:
    """How many of `user`'s notices are unread."""
    return session.scalar(select(func.count(Notice.id)).where(
        _mine(user), Notice.read_at.is_(None))) or 0  # type: ignore[arg-type]


def list_for(*, session: Session, user: UserRead, unread_only: bool = False, limit: int = 50,
             offset: int = 0) -> NoticePage:
    """`user`'s message centre, newest first."""
    query = select(Notice).where(_mine(user))  # type: ignore[arg-type]
    if unread_only:
        query = query.where(Notice.read_at.is_(None))
    rows, total = fetch_page(
        session=session,
        query=query.order_by(Notice.created_at.desc(), Notice.id.desc()),
        limit=min(limit, 200),
        offset=offset,
    )
    return NoticePage(items=[NoticeRead.model_validate(n) for n in rows], total=total,
                      unread=unread_count(session=session, user=user), limit=limit,
                      offset=offset)


def mark_read(*, session: Session, user: UserRead, notice_id: int) -> NoticeRead:
    """Mark one of `user`'s notices as read (reading it twice changes nothing)."""
    notice = session.scalar(select(Notice).where(Notice.id == notice_id,
                                                 _mine(user)))  # type: ignore[arg-type]
    if notice is None:
        raise NoticeNotFound()
    if notice.read_at is None:
        notice.read_at = clock.now()
        session.flush()
    return NoticeRead.model_validate(notice)


def mark_all_read(*, session: Session, user: UserRead) -> int:
    """Mark every unread notice of `user` as read; how many were."""
    result = session.execute(update(Notice).where(
        _mine(user), Notice.read_at.is_(None)).values(read_at=clock.now()))  # type: ignore[arg-type]
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def get_contact(*, session: Session, user: UserRead) -> ContactRead:
    """`user`'s contact settings and the channels enabled on this node."""
    contact = session.get(Contact, user.id)
    node = session.info.get("node")
    names = sorted(channels.for_node(node)) if node is not None else []
    return ContactRead(email=contact.email if contact else None,
                       phone=contact.phone if contact else None, channels=names)


def set_contact(*, session: Session, user: UserRead, data: ContactIn) -> ContactRead:
    """Store where `user` wants notices sent (flushes)."""
    contact = session.get(Contact, user.id)
    if contact is None:
        contact = Contact(user_id=user.id, updated_at=clock.now())
        session.add(contact)
    contact.email, contact.phone, contact.updated_at = data.email, data.phone, clock.now()
    session.flush()
    return get_contact(session=session, user=user)


def list_deliveries(*, session: Session, status: DeliveryStatus | None = None,
                    limit: int = 100) -> Sequence[NoticeDelivery]:
    """The delivery outbox, newest first."""
    query = select(NoticeDelivery)
    if status is not None:
        query = query.where(NoticeDelivery.status == status.value)
    return session.scalars(query.order_by(NoticeDelivery.id.desc()).limit(min(limit, 1000))).all()


def delivery_counts(*, session: Session) -> dict[str, int]:
    """Deliveries per status."""
    rows = session.execute(select(NoticeDelivery.status, func.count())
                           .group_by(NoticeDelivery.status))
    return {status: int(n) for status, n in rows}


def retry_failed(*, session: Session) -> int:
    """Put every failed delivery back in the queue for another round of attempts."""
    result = session.execute(update(NoticeDelivery).where(
        NoticeDelivery.status == DeliveryStatus.FAILED.value).values(
        status=DeliveryStatus.PENDING.value, attempts=0, next_attempt_at=clock.now()))
    count = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if count:
        delivery.wake_after_commit(session=session)
    return count

