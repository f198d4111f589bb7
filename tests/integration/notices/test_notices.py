"""The message centre's use cases against SQLite and PostgreSQL."""

from __future__ import annotations

from chuanyu.core.schemas import UserRead
from chuanyu.core.security import create_user
from chuanyu.notices import service as notices_service
from chuanyu.notices.enums import NoticeKind
from chuanyu.notices.errors import NoticeNotFound
from chuanyu.notices.models import NoticeDelivery
from chuanyu.notices.schemas import ContactIn
from tests.conftest import Db

SUBJECT = "500106199803071234"


def account(db: Db, name: str, roles: list[str], subject_id: str | None = None) -> UserRead:
    with db.scope() as session:
        row = create_user(session=session, username=name, password="password-123", roles=roles,
                          subject_id=subject_id)
        return UserRead(id=row.id, username=name, display_name=name, roles=roles,
                        member=db.node.member, subject_id=subject_id)


def test_subject_notice_reaches_every_account_acting_for_that_subject(db: Db) -> None:
    citizen = account(db, "citizen-a", ["citizen"], SUBJECT)
    other = account(db, "citizen-b", ["citizen"], "510104199001011234")
    with db.scope() as session:
        notices_service.notify(session=session, recipient=notices_service.subject_address(SUBJECT),
                               kind=NoticeKind.ACCEPTED, subject="办件已受理", body="正文",
                               link="/window/cases/CQ-1")
    with db.scope() as session:
        mine = notices_service.list_for(session=session, user=citizen)
        theirs = notices_service.list_for(session=session, user=other)
    assert [n.subject for n in mine.items] == ["办件已受理"] and mine.unread == 1
    assert theirs.total == 0 and theirs.unread == 0


def test_marking_read_lowers_the_unread_count_once(db: Db) -> None:
    citizen = account(db, "citizen-c", ["citizen"], SUBJECT)
    with db.scope() as session:
        first, = notices_service.notify(session=session, recipient=f"user:{citizen.id}",
                                        kind="info", subject="一", body="一")
        notices_service.notify(session=session, recipient=f"user:{citizen.id}", kind="info",
                               subject="二", body="二")
        first_id = first.id
    with db.scope() as session:
        assert notices_service.unread_count(session=session, user=citizen) == 2
        read = notices_service.mark_read(session=session, user=citizen, notice_id=first_id)
        again = notices_service.mark_read(session=session, user=citizen, notice_id=first_id)
    assert read.read_at is not None and again.read_at == read.read_at
    with db.scope() as session:
        assert notices_service.unread_count(session=session, user=citizen) == 1
        assert notices_service.mark_all_read(session=session, user=citizen) == 1
    with db.scope() as session:
        assert notices_service.unread_count(session=session, user=citizen) == 0


def test_another_accounts_notice_cannot_be_marked(db: Db) -> None:
    owner = account(db, "owner", ["citizen"])
    stranger = account(db, "stranger", ["citizen"])
    with db.scope() as session:
        notice, = notices_service.notify(session=session, recipient=f"user:{owner.id}",
                                         kind="info", subject="私信", body="私信")
        notice_id = notice.id
    with db.scope() as session:
        try:
            notices_service.mark_read(session=session, user=stranger, notice_id=notice_id)
        except NoticeNotFound:
            pass
        else:
            raise AssertionError("a stranger marked someone else's notice")


def test_a_key_gives_each_recipient_one_notice(db: Db) -> None:
    account(db, "clerk-1", ["window_clerk"])
    account(db, "clerk-2", ["window_clerk", "registrar"])
    account(db, "fund", ["fund_officer"])
    for _ in range(3):
        with db.scope() as session:
            notices_service.notify(session=session,
                                   recipient=notices_service.role_address("window_clerk"),
                                   kind=NoticeKind.OVERDUE, subject="超期", body="超期",
                                   key="window:CQ-1:overdue")
    with db.scope() as session:
        from sqlalchemy import func, select

        from chuanyu.notices.models import Notice

        rows = session.execute(select(Notice.recipient, func.count()).group_by(
            Notice.recipient)).all()
    assert sorted(n for _, n in rows) == [1, 1] and len(rows) == 2


def test_no_delivery_is_queued_while_no_channel_is_configured(db: Db) -> None:
    citizen = account(db, "quiet", ["citizen"])
    with db.scope() as session:
        notices_service.set_contact(session=session, user=citizen,
                                    data=ContactIn(email="a@example.com"))
        notices_service.notify(session=session, recipient=f"user:{citizen.id}", kind="info",
                               subject="只在站内", body="只在站内")
    with db.scope() as session:
        from sqlalchemy import select

        assert session.scalars(select(NoticeDelivery)).all() == []
