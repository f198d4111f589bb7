"""Issue an electronic business licence: assign the credit code, sign, store (flush only)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.registry import errors, licence, uscc
from chuanyu.registry.authority import Authority, authority_for
from chuanyu.registry.enums import LicenceStatus
from chuanyu.registry.models import Licence
from chuanyu.registry.schemas import LicenceFacts, LicenceRead, RegistrationApplication
from chuanyu.registry.service.names import check_name, holder_of
from chuanyu.registry.service.read import to_read

if TYPE_CHECKING:
    from chuanyu.node import Node

MAX_CODE_ATTEMPTS = 8
# Source of randomness for organisation codes; tests replace it to force collisions.
draw_index: Callable[[int], int] = secrets.randbelow


def _years_later(start: date, years: int) -> date:
    """The last day of a term of `years` years starting on `start`."""
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # 29 February in a common year
        anniversary = start.replace(year=start.year + years, day=28) + timedelta(days=1)
    return anniversary - timedelta(days=1)


def facts_of(row: Licence | LicenceRead) -> LicenceFacts:
    """The signed content of a stored licence (or of its read shape)."""
    return LicenceFacts(
        uscc=row.uscc,
        name=row.name,
        enterprise_type=str(row.enterprise_type),
        legal_representative=row.legal_representative,
        registered_capital=f"{row.registered_capital:.2f}",
        business_scope=row.business_scope,
        established_date=row.established_date.isoformat(),
        operating_from=row.operating_from.isoformat(),
        operating_until=row.operating_until.isoformat() if row.operating_until else None,
        domicile=row.domicile,
        authority_name=row.authority_name,
        authority_division_code=row.authority_division_code,
        issuer_member=row.issuer_member,
        issued_date=row.issued_date.isoformat(),
    )


def _build(
    *,
    node: Node,
    application: RegistrationApplication,
    authority: Authority,
    case_number: str | None,
    received_member: str,
) -> Licence:
    today = clock.today()
    years = application.operating_years
    return Licence(
        uscc="",
        name=application.name,
        name_key=application.name_key,
        enterprise_type=application.enterprise_type.value,
        legal_representative=application.legal_representative.name,
        legal_representative_id=application.legal_representative.id_number,
        registered_capital=application.registered_capital,
        business_scope=application.business_scope,
        investors=[
            {"name": i.name, "id_number": i.id_number, "amount": f"{i.subscribed_amount:.2f}"}
            for i in application.investors
        ],
        established_date=today,
        operating_from=today,
        operating_until=_years_later(today, years) if years else None,
        domicile=application.domicile.address,
        division_code=application.domicile.division_code,
        authority_name=authority.name,
        authority_division_code=authority.division_code,
        issuer_member=node.member,
        issued_date=today,
        issued_at=clock.now(),
        case_number=case_number,
        received_member=received_member,
        status=LicenceStatus.ACTIVE.value,
    )


def _seal(row: Licence, *, code: str, node: Node) -> None:
    """Give the row its credit code, then its digest and the node's signature."""
    row.uscc = code
    row.digest = licence.digest(facts_of(row))
    row.signature = node.sign(
        licence.signed_message(code=code, issuer=row.issuer_member, facts_digest=row.digest)
    )


def insert_with_fresh_code(
    session: Session,
    row: Licence,
    *,
    node: Node,
    category: str,
    randbelow: Callable[[int], int] | None = None,
) -> str:
    """Assign a credit code not yet used, relying on the unique constraint under a savepoint."""
    randbelow = randbelow or draw_index
    for _ in range(MAX_CODE_ATTEMPTS):
        code = uscc.assemble(
            category=category,
            division_code=row.authority_division_code,
            org_body=uscc.random_org_body(randbelow),
        )
        _seal(row, code=code, node=node)
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:
            if session.scalar(select(Licence.id).where(Licence.uscc == code)) is not None:
                continue
            raise
        return code
    raise RuntimeError(f"{MAX_CODE_ATTEMPTS} 次生成的统一社会信用代码均已被占用")


def issue_licence(
    *,
    session: Session,
    node: Node,
    application: RegistrationApplication,
    case_number: str | None,
    received_member: str | None = None,
) -> LicenceRead:
    """Register the enterprise and issue its signed licence; flushes, the caller commits.

    `received_member` is the region whose window received the application (default: this
    node); a licence whose application came from the other region counts as cross-region.
    """
    division_code = application.domicile.division_code
    if application.domicile.region != node.member:
        raise errors.outside_jurisdiction(division_code, node.member)
    check_name(session=session, name=application.name)
    if case_number is not None:
        done = session.scalar(select(Licence.uscc).where(Licence.case_number == case_number))
        if done is not None:
            raise errors.CaseAlreadyLicensed(
                detail=f"办件 {case_number} 已核发营业执照（统一社会信用代码 {done}）"
            )
    row = _build(
        node=node,
        application=application,
        authority=authority_for(division_code),
        case_number=case_number,
        received_member=received_member or node.member,
    )
    try:
        insert_with_fresh_code(
            session, row, node=node, category=uscc.category_code(application.enterprise_type)
        )
    except IntegrityError:
        holder = holder_of(session=session, name=application.name)
        if holder is None:
            raise
        raise errors.name_taken(
            application.name, holder.name, holder.uscc, holder.authority_name
        ) from None
    return to_read(row)
