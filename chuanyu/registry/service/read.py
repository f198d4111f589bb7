"""Reading licences: one by code, pages, and the read shape with its QR payload."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chuanyu.core.pagination import fetch_page
from chuanyu.core.schemas import from_row
from chuanyu.registry import errors, licence, uscc
from chuanyu.registry.enums import LicenceStatus
from chuanyu.registry.models import Licence
from chuanyu.registry.schemas import LicencePage, LicenceRead


def qr_payload(row: Licence) -> str:
    """The text the licence's QR code carries."""
    return licence.QrPayload(row.uscc, row.issuer_member, row.digest, row.signature).encode()


def to_read(row: Licence) -> LicenceRead:
    """The read shape of a stored licence."""
    return from_row(LicenceRead, row, qr_payload=qr_payload(row))


def find(*, session: Session, code: str) -> Licence | None:
    """The stored licence with this credit code, or None."""
    return session.scalars(select(Licence).where(Licence.uscc == uscc.compact(code))).first()


def get_row(*, session: Session, code: str) -> Licence:
    """The stored licence with this credit code; raises LicenceNotFound."""
    row = find(session=session, code=code)
    if row is None:
        raise errors.LicenceNotFound(detail=f"本登记机关未核发统一社会信用代码为 {code} 的营业执照")
    return row


def get(*, session: Session, code: str) -> LicenceRead:
    """One licence issued by this region."""
    return to_read(get_row(session=session, code=code))


def list_licences(
    *,
    session: Session,
    status: LicenceStatus | None = None,
    query: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> LicencePage:
    """Licences issued by this region, newest first, optionally filtered."""
    stmt = select(Licence)
    if status is not None:
        stmt = stmt.where(Licence.status == status.value)
    if query:
        like = f"%{query.strip()}%"
        stmt = stmt.where(Licence.name.like(like) | Licence.uscc.like(like.upper()))
    rows, total = fetch_page(
        session=session,
        query=stmt.order_by(Licence.issued_at.desc(), Licence.id.desc()),
        limit=limit,
        offset=offset,
    )
    return LicencePage(items=[to_read(r) for r in rows], total=total, limit=limit, offset=offset)


def list_for_representative(*, session: Session, resident_id: str) -> list[LicenceRead]:
    """Licences this region issued whose legal representative carries this ID number."""
    rows = session.scalars(
        select(Licence)
        .where(Licence.legal_representative_id == resident_id.upper())
        .order_by(Licence.issued_at.desc(), Licence.id.desc())
        .limit(100)
    ).all()
    return [to_read(r) for r in rows]


def count_cross_region(*, session: Session, issuer: str) -> int:
    """Licences this region issued on applications received at the other region's window."""
    stmt = select(func.count(Licence.id)).where(
        Licence.issuer_member == issuer, Licence.received_member != issuer
    )
    return session.scalar(stmt) or 0
