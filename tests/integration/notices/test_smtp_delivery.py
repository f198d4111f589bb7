"""Notices by e-mail through a real SMTP server (aiosmtpd on loopback): what arrives, and what
happens when the server refuses or is down (retries with backoff, nothing lost)."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from chuanyu.core import clock
from chuanyu.core.schemas import UserRead
from chuanyu.core.security import create_user
from chuanyu.notices import channels, delivery
from chuanyu.notices import service as notices_service
from chuanyu.notices.delivery import DeliveryWorker
from chuanyu.notices.enums import DeliveryStatus, NoticeKind
from chuanyu.notices.models import NoticeDelivery
from chuanyu.notices.schemas import ContactIn
from chuanyu.notices.smtp import SmtpChannel
from tests.conftest import Db
from tests.support.nodes import wait_until
from tests.support.smtp import SmtpServer

T0 = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
ADDRESS = "wang.xiaochuan@example.cn"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mailing(db: Db, smtp: SmtpServer) -> Iterator[Db]:
    """The test node with SMTP configured as CHUANYU_NOTICES_SMTP_* would configure it."""
    before = db.node.settings
    settings = before.model_copy(update={
        "notices_smtp_host": "127.0.0.1", "notices_smtp_port": smtp.port,
        "notices_smtp_from": "noreply@cq.chuanyu.example", "notices_smtp_security": "none",
        "notices_retry_base_s": 30.0, "notices_retry_max_s": 600.0, "notices_max_attempts": 4,
        "public_url": "https://zwfw.cq.example"})
    db.node.settings = settings
    db.node.extras["notices.channels"] = channels.build(settings)
    yield db
    db.node.settings = before  # the PostgreSQL node is shared by the whole session
    db.node.extras.pop("notices.channels", None)


def citizen_with_email(db: Db, name: str = "wang") -> UserRead:
    with db.scope() as session:
        row = create_user(
            session=session,
            username=name,
            password="password-123",
            roles=["citizen"],
            subject_id="500106199803071234",
        )
        user = UserRead(id=row.id, username=name, display_name=name, roles=["citizen"],
                        member=db.node.member, subject_id=row.subject_id)
        notices_service.set_contact(session=session, user=user, data=ContactIn(email=ADDRESS))
    return user


def notify(db: Db, subject: str = "办件已受理：户籍迁移") -> None:
    with db.scope() as session:
        notices_service.notify(session=session,
                               recipient=notices_service.subject_address("500106199803071234"),
                               kind=NoticeKind.ACCEPTED, subject=subject,
                               body="您的办件 CQ-20261203-000001 已受理。",
                               link="/window/cases/CQ-20261203-000001")


def deliveries(db: Db) -> list[NoticeDelivery]:
    with db.scope() as session:
        return list(session.scalars(select(NoticeDelivery).order_by(NoticeDelivery.id)))


def test_settings_enable_the_smtp_channel_only_when_a_host_is_set(db: Db) -> None:
    assert channels.build(db.node.settings) == {}
    configured = db.node.settings.model_copy(update={
        "notices_smtp_host": "smtp.example.cn", "notices_smtp_from": "noreply@example.cn"})
    channel = channels.build(configured)["email"]
    assert isinstance(channel, SmtpChannel) and channel.security == "starttls"
    assert channel.port == 587


def test_the_notice_arrives_by_email_with_its_subject_recipient_and_link(
        mailing: Db, smtp: SmtpServer) -> None:
    citizen_with_email(mailing)
    notify(mailing)
    assert delivery.deliver_due(mailing.node) == {"sent": 1}
    envelope, = smtp.inbox.messages
    assert envelope.rcpt_tos == [ADDRESS]
    assert envelope.mail_from == "noreply@cq.chuanyu.example"
    mail = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert mail["Subject"] == "办件已受理：户籍迁移"
    assert mail["To"] == ADDRESS
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "CQ-20261203-000001 已受理" in text
    assert "https://zwfw.cq.example/window/cases/CQ-20261203-000001" in text
    row, = deliveries(mailing)
    assert (row.status, row.attempts, row.address) == (DeliveryStatus.SENT, 1, ADDRESS)
    assert delivery.deliver_due(mailing.node) == {}  # sent once, never again


def test_a_refusing_server_gets_the_notice_later_with_backoff_and_only_once(
        mailing: Db, smtp: SmtpServer) -> None:
    citizen_with_email(mailing)
    smtp.inbox.refuse_data = 2
    with clock.freeze(T0):
        notify(mailing)
        assert delivery.deliver_due(mailing.node) == {"pending": 1}
    row, = deliveries(mailing)
    assert row.attempts == 1 and "451" in (row.last_error or "")
    assert clock.aware(row.next_attempt_at) == T0 + timedelta(seconds=30)
    with clock.freeze(T0 + timedelta(seconds=29)):
        assert delivery.deliver_due(mailing.node) == {}  # not due yet
    with clock.freeze(T0 + timedelta(seconds=30)):
        assert delivery.deliver_due(mailing.node) == {"pending": 1}
    row, = deliveries(mailing)
    assert row.attempts == 2
    assert clock.aware(row.next_attempt_at) == T0 + timedelta(seconds=30 + 60)  # doubled
    with clock.freeze(T0 + timedelta(seconds=90)):
        assert delivery.deliver_due(mailing.node) == {"sent": 1}
    row, = deliveries(mailing)
    assert (row.status, row.attempts, row.last_error) == (DeliveryStatus.SENT, 3, None)
    assert len(smtp.inbox.messages) == 1


def test_a_server_that_is_down_loses_nothing(mailing: Db, smtp: SmtpServer) -> None:
    citizen_with_email(mailing)
    smtp.stop()
    with clock.freeze(T0):
        notify(mailing, "一")
        notify(mailing, "二")
    moment = T0
    for _ in range(4):  # every attempt the settings allow
        with clock.freeze(moment):
            delivery.deliver_due(mailing.node)
        moment += timedelta(seconds=600)
    rows = deliveries(mailing)
    assert [(r.status, r.attempts) for r in rows] == [(DeliveryStatus.FAILED, 4)] * 2
    assert all("不可达" in (r.last_error or "") for r in rows)
    smtp.start()
    with mailing.scope() as session:
        assert notices_service.retry_failed(session=session) == 2
    assert delivery.deliver_due(mailing.node) == {"sent": 2}
    subjects = sorted(email.message_from_bytes(m.original_content, policy=email.policy.default)
                      ["Subject"] for m in smtp.inbox.messages)
    assert subjects == ["一", "二"]


def test_a_refused_address_fails_at_once_and_is_kept(mailing: Db, smtp: SmtpServer) -> None:
    citizen_with_email(mailing)
    smtp.inbox.refuse_rcpt = ADDRESS
    notify(mailing)
    assert delivery.deliver_due(mailing.node) == {"failed": 1}
    row, = deliveries(mailing)
    assert row.attempts == 1 and "550" in (row.last_error or "")
    assert smtp.inbox.messages == []


def test_the_worker_sends_right_after_the_notice_commits(mailing: Db, smtp: SmtpServer) -> None:
    citizen_with_email(mailing)
    worker = DeliveryWorker(mailing.node, poll_s=3600)  # only the commit can wake it in time
    mailing.node.extras["notices.worker"] = worker
    worker.start()
    try:
        notify(mailing)
        wait_until(lambda: smtp.inbox.messages, timeout=20, message="the e-mail to arrive")
    finally:
        worker.stop()
        mailing.node.extras.pop("notices.worker", None)
    row, = deliveries(mailing)
    assert row.status == DeliveryStatus.SENT
