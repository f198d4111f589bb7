"""Exchange services and stream consumers of the window."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from chuanyu.core.node import Node
from chuanyu.exchange.registry import service, stream
from chuanyu.window.service import catalogue, files, replica
from chuanyu.window.service.events import AUTHORITY_STREAM, INTAKE_STREAM


@stream(catalogue.STREAM)
def apply_catalogue(
    *, session: Session, producer: str, event_type: str, payload: dict[str, Any], **_: Any
) -> None:
    """Keep the peer's matter catalogue."""
    catalogue.apply_event(session, producer=producer, event_type=event_type, payload=payload)


@stream(INTAKE_STREAM)
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
        replica.apply_received(session, member=node.member, producer=producer, payload=payload)
    else:
        replica.apply_transition(session, producer=producer, payload=payload)


@stream(AUTHORITY_STREAM)
def apply_authority_event(
    *, session: Session, producer: str, payload: dict[str, Any], **_: Any
) -> None:
    """The peer authority's decision on a case received at our window."""
    replica.apply_transition(session, producer=producer, payload=payload)


@service(files.SERVICE, request=files.AttachmentRequest, response=files.AttachmentContent)
def serve_attachment(
    *, session: Session, caller: str, request: files.AttachmentRequest, **_: Any
) -> files.AttachmentContent:
    """Hand a material file to the authority deciding the case."""
    return files.serve(session, caller=caller, request=request)
