"""Applying the other side's events: a received case arrives, each transition follows."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.core.errors import RuleViolation
from chuanyu.window import rules
from chuanyu.window.enums import Action, CaseStatus, Side
from chuanyu.window.models import Attachment, Case, CaseEvent
from chuanyu.window.service.common import get_case, load_clock_payload
from chuanyu.window.service.due import follow_peer_clock
from chuanyu.window.service.events import SNAPSHOT_FIELDS
from chuanyu.window.service.notices import notify_transition

log = logging.getLogger(__name__)


def _event(data: dict[str, Any]) -> CaseEvent:
    return CaseEvent(
        seq=int(data["seq"]),
        action=data["action"],
        from_status=data["from_status"],
        to_status=data["to_status"],
        actor=data["actor"],
        actor_name=data["actor_name"],
        actor_role=data["actor_role"],
        actor_member=data["actor_member"],
        at=datetime.fromisoformat(data["at"]),
        note=data.get("note"),
        data=data.get("data"),
    )


def _attachment(data: dict[str, Any]) -> Attachment:
    return Attachment(
        material_code=data["material_code"],
        filename=data["filename"],
        content_type=data["content_type"],
        size=int(data["size"]),
        sha256=data["sha256"],
        content=None,
        event_seq=int(data["event_seq"]),
        uploaded_at=clock.now(),
    )


def apply_received(
    *, session: Session, member: str, producer: str, payload: dict[str, Any]
) -> None:
    """Hold a case received at the peer's window for an authority of this region.

    The exchange has already refused a case whose receiving window is not `producer`'s.
    """
    if payload["authority_member"] != member:
        raise RuleViolation(
            f"办件 {payload['case_number']} 的办理地不是本地区，不能由 {producer} 转来"
        )
    exists = session.scalar(select(Case.id).where(Case.case_number == payload["case_number"]))
    if exists is not None:
        log.warning("case %s already held; event ignored", payload["case_number"])
        return
    case = Case(**{name: payload[name] for name in SNAPSHOT_FIELDS})
    case.received_date = date.fromisoformat(payload["received_date"])
    case.received_at = datetime.fromisoformat(payload["received_at"])
    case.updated_at = clock.now()
    load_clock_payload(case, payload["clock"])
    for data in payload["events"]:
        case.events.append(_event(data))
    for data in payload["attachments"]:
        case.attachments.append(_attachment(data))
    follow_peer_clock(session=session, case=case)
    case.version = len(case.events)
    session.add(case)
    session.flush()


def apply_transition(*, session: Session, producer: str, payload: dict[str, Any]) -> None:
    """Follow a transition the other side made; it must be the next one, by the owning side."""
    case = get_case(session=session, case_number=payload["case_number"])
    data = payload["event"]
    seq = int(data["seq"])
    if seq <= case.version:
        return
    from_status = CaseStatus(data["from_status"])
    action = Action(data["action"])
    side = rules.TRANSITIONS[action].side
    owner_member = case.authority_member if side is Side.AUTHORITY else case.intake_member
    if producer != owner_member or rules.owner(from_status) is not side:
        raise RuleViolation(f"{producer} 不能对办件 {case.case_number} 执行 {action}")
    if seq != case.version + 1 or case.status != from_status.value:
        raise RuleViolation(
            f"办件 {case.case_number} 事件顺序不符：本地第 {case.version} 步/{case.status}，"
            f"收到第 {seq} 步/{from_status}"
        )
    if rules.next_status(from_status, action) != CaseStatus(data["to_status"]):
        raise RuleViolation(f"办件 {case.case_number} 收到不允许的状态变化")
    event = _event(data)
    case.events.append(event)
    for item in payload.get("attachments", []):
        case.attachments.append(_attachment(item))
    case.status = data["to_status"]
    case.version = seq
    case.result = payload.get("result")
    case.updated_at = clock.now()
    load_clock_payload(case, payload["clock"])
    follow_peer_clock(session=session, case=case)
    session.flush()
    notify_transition(session=session, case=case, event=event)
