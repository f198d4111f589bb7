"""Live counts the service window feeds into the cooperation ledger."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chuanyu.ledger.providers import register_live_metric
from chuanyu.window.models import Case
from chuanyu.window.service.queries import count_cross_region


def count_cross_region_cases(session: Session, as_of: date | None = None) -> int:
    """Cases received (up to `as_of`) at this region's window for the other region's authority.

    Each case is counted once in the federation: by the node whose window received it.
    """
    node = session.info.get("node")
    member = node.member if node is not None else None
    if as_of is None:
        return count_cross_region(session=session, member=member)
    query = select(func.count(Case.id)).where(
        Case.intake_member != Case.authority_member, Case.received_date <= as_of
    )
    if member is not None:
        query = query.where(Case.intake_member == member)
    return session.scalar(query) or 0


register_live_metric("cross_region_cases", "合作示范窗口受理异地办事业务", count_cross_region_cases)
