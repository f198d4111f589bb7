"""Live counts business registration feeds into the cooperation ledger."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chuanyu.ledger.providers import register_live_metric
from chuanyu.registry.models import Licence


def count_cross_region_licences(session: Session, as_of: date | None = None) -> int:
    """Licences issued (up to `as_of`) on applications received at the other region's window."""
    stmt = select(func.count(Licence.id)).where(Licence.received_member != Licence.issuer_member)
    if as_of is not None:
        stmt = stmt.where(Licence.issued_date <= as_of)
    return session.scalar(stmt) or 0


register_live_metric("cross_region_licences", "异地办理的营业执照", count_cross_region_licences)
