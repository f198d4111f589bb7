"""Exchange services and stream consumers of the window."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanyu.exchange.registry import Ownership, PersonalData, personal_data, service, stream
from chuanyu.node import Node
from chuanyu.window.models import Case, Matter
from chuanyu.window.service import catalogue, files, mine, replica
from chuanyu.window.service.events import AUTHORITY_STREAM, INTAKE_STREAM


def matter_claimed(event_type: str, payload: dict[str, Any]) -> list[str]:
    """A matter belongs to the region its code starts with, and the one an upsert names."""
    del event_type
    owners = [str(payload["code"]).split("-", 1)[0]]
    if "member" in payload:
        owners.append(str(payload["member"]))
    return owners


def matter_stored(session: Session, event_type: str, payload: dict[str, Any]) -> list[str]:
    """The region of the matter this node already holds under the event's code."""
    del event_type
    owner = session.scalar(select(Matter.member).where(Matter.code == str(payload["code"])))
    return [] if owner is None else [owner]


def intake_claimed(event_type: str, payload: dict[str, Any]) -> list[str]:
    """A received case names the window that received it; a transition names no owner."""
    return [str(payload["intake_member"])] if event_type == "case.received" else []


def intake_stored(session: Session, event_type: str, payload: dict[str, Any]) -> list[str]:
    """The receiving window's region of the case held under the event's number."""
    del event_type
    return _case_member(session, Case.intake_member, payload)


def authority_stored(session: Session, event_type: str, payload: dict[str, Any]) -> list[str]:
    """The deciding authority's region of the case held under the event's number."""
    del event_type
    return _case_member(session, Case.authority_member, payload)


def _case_member(session: Session, column: Any, payload: dict[str, Any]) -> list[str]:
    number = str(payload["case_number"])
    owner = session.scalar(select(column).where(Case.case_number == number))
    return [] if owner is None else [owner]


# A case received at one region's window for the other region's authority carries the
# applicant's data across the border because the applicant applied there: that is its legal
# basis, recorded on the audit entry of each case sent.
personal_data(
    f"{INTAKE_STREAM}:case.received",
    PersonalData(
        subject=lambda payload: str(payload["applicant_id_number"]),
        basis=lambda _payload: "applicant_request",
        fields=("applicant_name", "applicant_id_number", "applicant_phone",
                "applicant_division_code", "application", "materials"),
        purpose="跨地区通办：申请材料转交办理机关",
        recipient="事项办理机关",
    ),
)


def _applicant_of(session: Session, payload: dict[str, Any]) -> str | None:
    """The applicant of the case a message names, as this node holds it."""
    number = str(payload["case_number"])
    return session.scalar(select(Case.applicant_id_number).where(Case.case_number == number))


def _no_subject(_payload: dict[str, Any]) -> str:
    return ""


# Later steps of such a case (supplements, decisions) and the authority reading a material file
# carry the applicant's data on the same basis; the payload names the case, not the person.
for _key, _fields, _purpose, _recipient in (
    (f"{INTAKE_STREAM}:case.transition", ("event", "attachments"),
     "跨地区通办：补正材料与办理进度转交办理机关", "事项办理机关"),
    (f"{AUTHORITY_STREAM}:case.transition", ("event", "result", "attachments"),
     "跨地区通办：办理结果送达受理窗口", "受理窗口"),
    (files.SERVICE, ("material_file",), "跨地区通办：办理机关调阅申请材料", "事项办理机关"),
):
    personal_data(_key, PersonalData(
        subject=_no_subject, lookup=_applicant_of, basis=lambda _payload: "applicant_request",
        fields=_fields, purpose=_purpose, recipient=_recipient,
    ))


def _names_no_owner(event_type: str, payload: dict[str, Any]) -> list[str]:
    del event_type, payload
    return []


@stream(catalogue.STREAM, owner=Ownership(claimed=matter_claimed, stored=matter_stored))
def apply_catalogue(
    *, session: Session, producer: str, event_type: str, payload: dict[str, Any], **_: Any
) -> None:
    """Keep the peer's matter catalogue."""
    catalogue.apply_event(
        session=session, producer=producer, event_type=event_type, payload=payload
    )


@stream(INTAKE_STREAM, owner=Ownership(claimed=intake_claimed, stored=intake_stored))
def apply_intake_event(
    *,
    session: Session,
    node: Node,
    producer: str,
    event_type: str,
    payload: dict[str, Any],
    **_: Any,
) -> None:
    """A case received at the peer's window for us, or the applicant's part of a case."""
    if event_type == "case.received":
        replica.apply_received(
            session=session, member=node.member, producer=producer, payload=payload
        )
    else:
        replica.apply_transition(session=session, producer=producer, payload=payload)


@stream(AUTHORITY_STREAM, owner=Ownership(claimed=_names_no_owner, stored=authority_stored))
def apply_authority_event(
    *, session: Session, producer: str, payload: dict[str, Any], **_: Any
) -> None:
    """The peer authority's decision on a case received at our window."""
    replica.apply_transition(session=session, producer=producer, payload=payload)


@service(files.SERVICE, request=files.AttachmentRequest, response=files.AttachmentContent)
def serve_attachment(
    *, session: Session, caller: str, request: files.AttachmentRequest, **_: Any
) -> files.AttachmentContent:
    """Hand a material file to the authority deciding the case."""
    return files.serve(session=session, caller=caller, request=request)


# A signed-in citizen asks the node they use for their records of both regions; that node asks
# here for the same resident ID on their behalf.
personal_data(
    mine.SERVICE,
    PersonalData(
        subject=lambda payload: str(payload["resident_id"]),
        basis=lambda _payload: "applicant_request",
        fields=("case_number", "matter_name", "status", "due_date", "application_no", "uscc"),
        purpose="本人查询我的办件",
    ),
)


@service(mine.SERVICE, request=mine.MyRecordsRequest, response=mine.MyRecordsReply)
def serve_my_records(
    *, session: Session, node: Node, request: mine.MyRecordsRequest, **_: Any
) -> mine.MyRecordsReply:
    """The records this region holds for a resident, for their 我的办件 on the other node."""
    return mine.answer(session=session, node=node, request=request)
