"""Name check (名称查重) within the registering region."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanyu.registry import errors, rules
from chuanyu.registry.models import Licence
from chuanyu.registry.schemas import NameCheck, NameCheckResult

if TYPE_CHECKING:
    from chuanyu.node import Node

NAME_SERVICE = "registry.check_name"


def holder_of(*, session: Session, name: str) -> Licence | None:
    """The licence of the enterprise holding this name in this region, if any."""
    key = rules.normalise_name(name)
    return session.scalars(select(Licence).where(Licence.name_key == key)).first()


def check_name(*, session: Session, name: str) -> None:
    """Refuse a name already held in this region with a Conflict naming the holder."""
    holder = holder_of(session=session, name=name)
    if holder is not None:
        raise errors.name_taken(name, holder.name, holder.uscc, holder.authority_name)


def name_status(*, session: Session, name: str, region: str) -> NameCheckResult:
    """Whether the name is free in this region (what the exchange service answers)."""
    holder = holder_of(session=session, name=name)
    if holder is None:
        return NameCheckResult(name=name, region=region, available=True)
    return NameCheckResult(
        name=name,
        region=region,
        available=False,
        holder_name=holder.name,
        holder_uscc=holder.uscc,
        holder_authority=holder.authority_name,
    )


def check_name_at(*, session: Session, node: Node, member: str, name: str) -> None:
    """Check a name in the registering region `member`: here, or there through the exchange.

    A window receiving an application for the other region calls this at intake.
    """
    if member == node.member:
        check_name(session=session, name=name)
        return
    # The window goes on without the answer (the authority checks again at acceptance), so the
    # clerk's page waits no longer than a page may wait for the other region.
    answer = remote_name_status(node, member=member, name=name,
                                timeout_s=node.settings.cross_region_wait_s)
    if not answer.available:
        raise errors.name_taken(
            name, answer.holder_name or "", answer.holder_uscc or "", answer.holder_authority or ""
        )


def remote_name_status(node: Node, *, member: str, name: str,
                       timeout_s: float | None = None) -> NameCheckResult:
    """Ask region `member` through the exchange whether the name is free there."""
    return NameCheckResult.model_validate(
        node.exchange.call(member, NAME_SERVICE, NameCheck(name=name), timeout_s=timeout_s)
    )
