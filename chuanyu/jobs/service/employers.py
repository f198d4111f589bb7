"""Employer accounts bound to a business the registry knows (统一社会信用代码).

An employer account posts only for the credit code bound to it. Binding is checked twice: the
code's shape and check character (python-stdnum, through `registry.uscc`), then the register of
the issuing region — this node's own, or the peer's through the exchange — must hold a licence
that is in force. The account's display name becomes the registered name of the business.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanyu.core.errors import invalid
from chuanyu.core.models import User
from chuanyu.registry import service as registry_service
from chuanyu.registry import uscc as uscc_rules
from chuanyu.registry.enums import VerifyOutcome
from chuanyu.registry.schemas import VerifyRequest
from chuanyu.registry.uscc import UsccError

if TYPE_CHECKING:
    from chuanyu.node import Node

EMPLOYER_ROLE = "employer"


@dataclass(frozen=True)
class RegisteredBusiness:
    """What the registry says about a credit code an employer account is bound to."""

    uscc: str
    name: str
    issuer_member: str


@dataclass(frozen=True)
class EmployerAccount:
    """An employer account and the business it posts for (None: not bound yet)."""

    username: str
    display_name: str
    uscc: str | None


def check_code(code: str) -> str:
    """The compact credit code, or InvalidInput naming what is wrong with it."""
    if not code.strip():
        raise invalid("uscc", "请填写统一社会信用代码")
    try:
        return uscc_rules.validate(code)
    except UsccError as exc:
        raise invalid("uscc", str(exc)) from None


def registered_business(*, session: Session, node: Node, code: str) -> RegisteredBusiness:
    """The business holding a licence in force under `code` in either region.

    May call the peer region: the caller must hold no open transaction (the exchange audits the
    call in one of its own).
    """
    number = check_code(code)
    result = registry_service.verify(session=session, node=node, request=VerifyRequest(uscc=number))
    if result.outcome is VerifyOutcome.REVOKED:
        raise invalid("uscc", f"{number} 的营业执照已被吊销，不能绑定")
    if result.outcome is not VerifyOutcome.VALID or result.facts is None:
        raise invalid("uscc", f"登记机关查无 {number} 的有效营业执照，请核对代码")
    return RegisteredBusiness(number, result.facts.name, result.facts.issuer_member)


def employer_user(*, session: Session, username: str) -> User:
    """The employer account named `username`, or InvalidInput on the username field."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or EMPLOYER_ROLE not in user.roles.split(","):
        raise invalid("username", f"没有名为 {username} 的用人单位账号")
    return user


def bind(*, session: Session, username: str, business: RegisteredBusiness) -> EmployerAccount:
    """Bind an employer account to a registered business (flushes; the caller commits)."""
    user = employer_user(session=session, username=username)
    user.subject_id = business.uscc
    user.display_name = business.name
    session.flush()
    return EmployerAccount(user.username, user.display_name, user.subject_id)


def list_accounts(*, session: Session) -> list[EmployerAccount]:
    """Every employer account of this node with the business it is bound to."""
    rows = session.scalars(
        select(User).where(User.roles.contains(EMPLOYER_ROLE)).order_by(User.username)
    ).all()
    return [
        EmployerAccount(u.username, u.display_name, u.subject_id)
        for u in rows
        if EMPLOYER_ROLE in u.roles.split(",")
    ]
