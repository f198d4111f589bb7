"""Whether a case received here has really reached the other region's authority.

The case travels on the intake stream; the authority's node acknowledges each event it has
applied. Until that acknowledgement arrives (the peer is down, the link is cut) the case is
received and safe here, and queued: the receipt says so instead of claiming it was sent.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from chuanyu.exchange import outbox
from chuanyu.window.service.common import get_case
from chuanyu.window.service.events import INTAKE_STREAM

if TYPE_CHECKING:
    from chuanyu.node import Node


class Forwarding(StrEnum):
    """Where a received case stands on its way to the deciding authority."""

    LOCAL = "local"  # decided in this region: nothing to forward
    FORWARDED = "forwarded"  # the other region acknowledged it
    QUEUED = "queued"  # received here, waiting for the other region to take it


FORWARDING_NOTES: dict[Forwarding, str] = {
    Forwarding.LOCAL: "材料已转交本地区办理部门",
    Forwarding.FORWARDED: "材料已转送办理地",
    Forwarding.QUEUED: "已受理，将在对方系统恢复后自动转送办理地",
}


def forwarding(*, session: Session, node: Node, case_number: str) -> Forwarding:
    """How far the case has travelled to its deciding authority, as this node knows it."""
    case = get_case(session=session, case_number=case_number)
    if case.intake_member == case.authority_member:
        return Forwarding.LOCAL
    if case.intake_member != node.member:
        return Forwarding.FORWARDED  # this node is the authority: it holds the case
    fragment = json.dumps({"case_number": case.case_number}, ensure_ascii=False)[1:-1]
    seq = outbox.find_seq(
        session=session, stream=INTAKE_STREAM, event_type="case.received", mentioning=fragment
    )
    if seq is not None and outbox.acknowledged(session=session, subscriber=case.authority_member,
                                               stream=INTAKE_STREAM, seq=seq):
        return Forwarding.FORWARDED
    return Forwarding.QUEUED
