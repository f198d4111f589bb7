"""The matter catalogue: load this region's own, keep a read-only copy of the peer's."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.core.errors import NotFound, RuleViolation
from chuanyu.core.schemas import from_row
from chuanyu.exchange import outbox
from chuanyu.window.catalogue import CatalogueFile, MatterSpec, starter_catalogue
from chuanyu.window.enums import HANDLING_MODE_LABELS, HandlingMode
from chuanyu.window.models import Matter
from chuanyu.window.schemas import FeeRead, MatterRead

if TYPE_CHECKING:
    from chuanyu.node import Node

STREAM = "window.catalogue"


def matter_values(spec: MatterSpec) -> dict[str, Any]:
    return {
        "member": spec.member,
        "name": spec.name,
        "authority_name": spec.authority.name,
        "authority_division_code": spec.authority.division_code,
        "mode": spec.mode.value,
        "time_limit_days": spec.time_limit_days,
        "limit_basis": spec.limit_basis,
        "limit_verified": spec.limit_verified,
        "officer_role": spec.officer_role,
        "payload_kind": spec.payload.value,
        "materials": [m.model_dump(mode="json") for m in spec.materials],
        "fees": [f.model_dump(mode="json") for f in spec.fees],
    }


def _upsert(*, session: Session, code: str, values: dict[str, Any], active: bool) -> Matter:
    row = session.scalar(select(Matter).where(Matter.code == code))
    if row is None:
        row = Matter(code=code, **values, active=active, updated_at=clock.now())
        session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
        row.active = active
        row.updated_at = clock.now()
    session.flush()
    return row


def load_catalogue(*, session: Session, node: Node, catalogue: CatalogueFile) -> int:
    """Store this region's catalogue and send it to the peer; matters left out are withdrawn."""
    if catalogue.member != node.member:
        raise RuleViolation(
            f"本节点（{node.member}）只能载入本地区的事项清单；"
            f"{catalogue.member} 的事项由其节点同步"
        )
    listed = {spec.code for spec in catalogue.matters}
    for spec in catalogue.matters:
        values = matter_values(spec)
        _upsert(session=session, code=spec.code, values=values, active=True)
        outbox.publish(
            session=session,
            stream=STREAM,
            event_type="matter.upserted",
            payload={"code": spec.code, **values},
        )
    stale = session.scalars(
        select(Matter).where(Matter.member == node.member, Matter.active.is_(True))
    ).all()
    for row in stale:
        if row.code not in listed:
            row.active = False
            outbox.publish(
                session=session,
                stream=STREAM,
                event_type="matter.withdrawn",
                payload={"code": row.code},
            )
    session.flush()
    return len(listed)


def apply_event(
    *, session: Session, producer: str, event_type: str, payload: dict[str, Any]
) -> None:
    """Keep the peer's matters as a read-only copy (the peer is their only writer)."""
    code = str(payload["code"])
    if not code.startswith(f"{producer}-"):
        raise RuleViolation(f"{producer} 不能发布他方的事项 {code}")
    if event_type == "matter.withdrawn":
        row = session.scalar(select(Matter).where(Matter.code == code))
        if row is not None:
            row.active = False
            session.flush()
        return
    values = {k: v for k, v in payload.items() if k != "code"}
    if values.get("member") != producer:
        raise RuleViolation(f"事项 {code} 的地区与发布方 {producer} 不符")
    _upsert(session=session, code=code, values=values, active=True)


def seed_peer_copy(*, session: Session, peer: str) -> int:
    """Start the copy of the peer's catalogue from the data shipped for it.

    For a node prepared before the peer is reachable (the demo, benchmarks); the peer's own
    `matter.upserted` events overwrite these rows when they arrive. Matters already held are kept.
    """
    added = 0
    for spec in starter_catalogue(peer).matters:
        if session.scalar(select(Matter.id).where(Matter.code == spec.code)) is None:
            payload = {"code": spec.code, **matter_values(spec)}
            apply_event(
                session=session, producer=peer, event_type="matter.upserted", payload=payload
            )
            added += 1
    return added


def get_matter(*, session: Session, code: str) -> Matter:
    """The matter with this code (active or not); NotFound otherwise."""
    row = session.scalar(select(Matter).where(Matter.code == code))
    if row is None:
        raise NotFound(f"事项 {code} 不存在")
    return row


def list_matters(*, session: Session, member: str | None = None) -> list[MatterRead]:
    """Active matters, of one region or both, by code."""
    query = select(Matter).where(Matter.active.is_(True)).order_by(Matter.code)
    if member:
        query = query.where(Matter.member == member)
    return [to_read(row) for row in session.scalars(query)]


def to_read(row: Matter) -> MatterRead:
    """The read model of a matter."""
    fees = [FeeRead.model_validate(f) for f in row.fees]
    return from_row(MatterRead, row, mode_label=HANDLING_MODE_LABELS[HandlingMode(row.mode)],
                    fees=fees, total_fee=sum((f.amount for f in fees), Decimal("0.00")))
