"""A person's data-use log (数据使用记录), read from this node's audit log and nothing else.

Every call this node answered and every event it delivered that carried someone's personal
data names that person on its audit entry (see registry.PersonalData). The log of a person is
those entries: reads of their data by the other region (calls received) and disclosures by
this region (events sent). Because it is the audit chain itself, it cannot say something was
shared that was not, nor leave out what was.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from chuanyu.exchange.models import AuditEntry
from chuanyu.exchange.registry import PERSONAL

if TYPE_CHECKING:
    from chuanyu.node import Node

BASIS_LABELS = {"applicant_request": "本人申请（依申请转交）"}
OUTCOME_LABELS = {
    "ok": "已提供",
    "consent_missing": "已拒绝：未经本人授权",
    "consent_other_person": "已拒绝：授权不是本人给出的",
    "consent_expired": "已拒绝：授权已过期",
    "consent_used": "已拒绝：授权已使用过",
    "consent_revoked": "已拒绝：授权已撤回",
}

# Data leaves this node when it answers a call or delivers an event.
_LEAVING = or_(
    and_(AuditEntry.kind == "call", AuditEntry.direction == "in"),
    and_(AuditEntry.kind == "event", AuditEntry.direction == "out"),
)


@dataclass(frozen=True)
class Use:
    """One use of a person's data, as the audit log records it."""

    position: int
    at: datetime
    member: str
    member_name: str
    recipient: str
    service: str
    kind: str
    purpose: str
    fields: list[str]
    basis: str
    basis_label: str
    consent_id: str | None
    outcome: str
    outcome_label: str
    disclosed: bool
    message_id: str
    entry_hash: str

    def as_json(self) -> dict[str, Any]:
        """The entry as JSON-ready values."""
        data = asdict(self)
        data["at"] = self.at.isoformat()
        return data


def _basis_label(basis: str) -> tuple[str, str | None]:
    if basis.startswith("consent:"):
        consent_id = basis.split(":", 1)[1]
        return f"本人授权（授权编号 {consent_id[:12]}…）", consent_id
    if not basis:
        return "无（未出示授权）", None
    return BASIS_LABELS.get(basis, basis), None


def _use(node: Node, entry: AuditEntry) -> Use:
    spec = PERSONAL.get(entry.name) if entry.kind == "call" else None
    if entry.kind == "event":
        event_type = json.loads(entry.detail or "{}").get("type", "")
        spec = PERSONAL.get(f"{entry.name}:{event_type}")
    member = node.descriptor.members.get(entry.peer)
    basis_label, consent_id = _basis_label(entry.basis)
    disclosed = entry.outcome == "ok"
    return Use(
        position=entry.position,
        at=entry.at,
        member=entry.peer,
        member_name=member.name if member is not None else entry.peer,
        recipient=spec.recipient if spec is not None else "",
        service=entry.name,
        kind="读取" if entry.kind == "call" else "转交",
        purpose=spec.purpose if spec is not None else "",
        fields=list(spec.fields) if spec is not None and disclosed else [],
        basis=entry.basis,
        basis_label=basis_label,
        consent_id=consent_id,
        outcome=entry.outcome,
        outcome_label=OUTCOME_LABELS.get(entry.outcome, f"已拒绝：{entry.outcome}"),
        disclosed=disclosed,
        message_id=entry.message_id,
        entry_hash=entry.hash,
    )


def uses(*, session: Session, node: Node, subject: str) -> list[Use]:
    """Every use of `subject`'s data that left this node, oldest first."""
    wanted = subject.strip().upper()
    if not wanted:
        return []
    query = (
        select(AuditEntry)
        .where(AuditEntry.subject == wanted, _LEAVING)
        .order_by(AuditEntry.position)
    )
    return [_use(node, e) for e in session.scalars(query)]
