"""Helpers for window tests: accounts, catalogues on both sides, files, and event pumping."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.cn import ric

from chuanyu.core.schemas import UserRead
from chuanyu.exchange import inbox
from chuanyu.exchange.models import OutboxEvent
from chuanyu.node import Node
from chuanyu.window.catalogue import starter_catalogue
from chuanyu.window.schemas import CaseCreate, MaterialIn, UploadIn
from chuanyu.window.service import catalogue as catalogue_service

PDF = b"%PDF-1.7\n% test material\n" + b"0" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64
CHINA_NOON_UTC = time(4, 0, tzinfo=UTC)


def at(day: date) -> datetime:
    """Noon in China on `day`, as an aware UTC datetime for clock.freeze."""
    return datetime.combine(day, CHINA_NOON_UTC)


def resident_id(prefix17: str) -> str:
    """A resident ID number with its check character."""
    return prefix17 + ric.calc_check_digit(prefix17 + "0")


APPLICANT_ID = resident_id("50010619980307123")


def user(role: str, member: str, *, subject_id: str | None = None, name: str = "") -> UserRead:
    """An account as the services see it (no row needed)."""
    return UserRead(
        id=1,
        username=name or f"{member.lower()}-{role}",
        display_name=name or f"{member} {role}",
        roles=[role],
        member=member,
        subject_id=subject_id,
    )


def load_both_catalogues(session: Session, node: Node) -> None:
    """This node's own catalogue, plus the peer's as if it had arrived over the exchange."""
    catalogue_service.load_catalogue(
        session=session, node=node, catalogue=starter_catalogue(node.member)
    )
    catalogue_service.seed_peer_copy(session=session, peer="SC" if node.member == "CQ" else "CQ")
    session.flush()


def complete_request(
    session: Session,
    matter_code: str,
    *,
    application: dict[str, Any] | None = None,
    **applicant: Any,
) -> tuple[CaseCreate, list[UploadIn]]:
    """A request with every material uploaded and every original sighted."""
    matter = catalogue_service.get_matter(session=session, code=matter_code)
    uploads = [
        UploadIn(
            material_code=m["code"],
            filename=f"{m['code']}.pdf",
            content_type="application/pdf",
            content=PDF + m["code"].encode(),
        )
        for m in matter.materials
    ]
    ticks = [MaterialIn(code=m["code"], original_sighted=True) for m in matter.materials]
    data = CaseCreate(
        matter_code=matter_code,
        applicant={"name": "王小川", "id_number": APPLICANT_ID, **applicant},
        materials=ticks,
        application=application,
    )
    return data, uploads


def pump(source: Node, target: Node, stream: str) -> int:
    """Deliver `source`'s new events on `stream` to `target` through its inbox; count applied."""
    with target.sessions() as tsession:
        done = inbox.applied_seq(session=tsession, producer=source.member, stream=stream)
    with source.sessions() as ssession:
        rows = ssession.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.stream == stream, OutboxEvent.seq > done)
            .order_by(OutboxEvent.seq)
        ).all()
        events = [inbox.IncomingEvent(r.seq, r.event_type, r.payload, r.digest) for r in rows]
    if not events:
        return 0
    with target.sessions() as tsession:
        result = inbox.apply_batch(
            session=tsession, node=target, producer=source.member, stream=stream, events=events
        )
        tsession.commit()
    assert result.error is None, result.error
    return result.applied


def outbox_count(session: Session, prefix: str = "window.") -> int:
    """Events waiting in this node's outbox on the window's streams."""
    rows = session.scalars(select(OutboxEvent.id).where(OutboxEvent.stream.startswith(prefix)))
    return len(rows.all())


# A made-up but complete 2027 schedule (every statutory day off, 调休 on weekends) for tests; the
# real notice is published late in 2026. Its 春节 break is longer than the law alone gives.
SCHEDULE_2027: dict[str, Any] = {
    "year": 2027,
    "announcement": "测试用的 2027 年安排（非真实通知）",
    "festivals": [
        {"name": "元旦", "start": "2027-01-01", "end": "2027-01-03"},
        {
            "name": "春节",
            "start": "2027-02-05",
            "end": "2027-02-12",
            "adjusted_workdays": ["2027-02-20"],
        },
        {"name": "清明节", "start": "2027-04-03", "end": "2027-04-05"},
        {
            "name": "劳动节",
            "start": "2027-05-01",
            "end": "2027-05-05",
            "adjusted_workdays": ["2027-04-25"],
        },
        {"name": "端午节", "start": "2027-06-09", "end": "2027-06-09"},
        {"name": "中秋节", "start": "2027-09-15", "end": "2027-09-15"},
        {
            "name": "国庆节",
            "start": "2027-10-01",
            "end": "2027-10-07",
            "adjusted_workdays": ["2027-09-26", "2027-10-09"],
        },
    ],
}
