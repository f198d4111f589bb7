"""Recording a transition and sending it to the other side."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.exchange import outbox
from chuanyu.window import rules
from chuanyu.window.checks import CheckedUpload
from chuanyu.window.enums import Action, CaseStatus, Side
from chuanyu.window.models import Attachment, Case, CaseEvent
from chuanyu.window.service.common import clock_payload

# Events produced by the window that received the case, and by the authority that decides it.
INTAKE_STREAM = "window.cases"
AUTHORITY_STREAM = "window.results"
# Columns of a case that travel with it when it is received.
SNAPSHOT_FIELDS = (
    "case_number",
    "matter_code",
    "matter_name",
    "intake_member",
    "authority_member",
    "authority_name",
    "officer_role",
    "payload_kind",
    "status",
    "applicant_kind",
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_division_code",
    "application",
    "materials",
    "received_by",
)


def stream_of(side: Side) -> str:
    """The stream a side publishes its transitions on."""
    return INTAKE_STREAM if side is Side.INTAKE else AUTHORITY_STREAM


def attach(case: Case, files: list[CheckedUpload], *, seq: int) -> list[Attachment]:
    """Store checked files on the case (flushes with the case)."""
    rows = []
    for item in files:
        row = Attachment(
            material_code=item.material_code,
            filename=item.file.filename,
            content_type=item.file.content_type,
            size=item.file.size,
            sha256=item.file.sha256,
            content=item.file.content,
            event_seq=seq,
            uploaded_at=clock.now(),
        )
        case.attachments.append(row)
        rows.append(row)
    return rows


def attachment_payload(row: Attachment) -> dict[str, Any]:
    """A file's metadata as it travels (never its bytes)."""
    return {
        "material_code": row.material_code,
        "filename": row.filename,
        "content_type": row.content_type,
        "size": row.size,
        "sha256": row.sha256,
        "event_seq": row.event_seq,
    }


def event_payload(event: CaseEvent) -> dict[str, Any]:
    """A timeline entry as it travels."""
    return {
        "seq": event.seq,
        "action": event.action,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "actor": event.actor,
        "actor_name": event.actor_name,
        "actor_role": event.actor_role,
        "actor_member": event.actor_member,
        "at": event.at.isoformat(),
        "note": event.note,
        "data": event.data,
    }


def record(
    case: Case,
    *,
    action: Action,
    from_status: CaseStatus | None,
    actor: str,
    actor_name: str,
    actor_role: str,
    actor_member: str,
    note: str | None = None,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Append a timeline entry for `action` and move the case to its target state."""
    target = rules.next_status(from_status, action)
    if target is None:  # callers check first; this guards the invariant
        raise AssertionError(f"{action} not allowed from {from_status}")
    seq = len(case.events) + 1
    event = CaseEvent(
        seq=seq,
        action=action.value,
        from_status=from_status.value if from_status else None,
        to_status=target.value,
        actor=actor,
        actor_name=actor_name,
        actor_role=actor_role,
        actor_member=actor_member,
        at=clock.now(),
        note=note,
        data=data,
    )
    case.events.append(event)
    case.status = target.value
    case.version = seq
    case.updated_at = event.at
    return event


def publish_transition(
    *, session: Session, case: Case, event: CaseEvent, new_files: list[Attachment]
) -> None:
    """Send a transition to the other side (nothing to send for a case within one region)."""
    if case.intake_member == case.authority_member:
        return
    side = rules.TRANSITIONS[event_action(event)].side
    outbox.publish(
        session=session,
        stream=stream_of(side),
        event_type="case.transition",
        payload={
            "case_number": case.case_number,
            "event": event_payload(event),
            "clock": clock_payload(case),
            "result": case.result,
            "attachments": [attachment_payload(a) for a in new_files],
        },
    )


def event_action(event: CaseEvent) -> Action:
    """The action of a timeline entry."""
    return Action(event.action)
