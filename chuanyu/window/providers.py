"""Live counts the service window feeds into the cooperation ledger."""

from __future__ import annotations

from sqlalchemy.orm import Session

from chuanyu.ledger.providers import register_live_metric
from chuanyu.window.service.queries import count_cross_region


def count_cross_region_cases(session: Session) -> int:
    """Cases received at this region's window for the other region's authority.

    Each case is counted once in the federation: by the node whose window received it.
    """
    node = session.info.get("node")
    return count_cross_region(session, member=node.member if node is not None else None)


register_live_metric("cross_region_cases", "合作示范窗口受理异地办事业务", count_cross_region_cases)
