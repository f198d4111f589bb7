"""Revocation (吊销) of a licence by the region that issued it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.registry import errors
from chuanyu.registry.enums import LicenceStatus
from chuanyu.registry.schemas import LicenceRead
from chuanyu.registry.service.read import get_row, to_read

if TYPE_CHECKING:
    from chuanyu.node import Node


def revoke(*, session: Session, node: Node, code: str, reason: str, actor: str) -> LicenceRead:
    """Revoke a licence this region issued; flushes, the caller commits."""
    row = get_row(session=session, code=code)
    if row.issuer_member != node.member:
        raise errors.LicenceNotFound(detail=f"统一社会信用代码 {code} 不是本登记机关核发的")
    if row.status == LicenceStatus.REVOKED.value:
        raise errors.AlreadyRevoked(
            detail=f"营业执照 {row.uscc} 已于 {row.revoked_at:%Y-%m-%d} 被吊销"
        )
    row.status = LicenceStatus.REVOKED.value
    row.revoked_at = clock.now()
    row.revoke_reason = reason
    row.revoked_by = actor
    session.flush()
    return to_read(row)
