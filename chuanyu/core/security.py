"""Accounts, password hashing, sessions and bearer tokens, and the role check on every route."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanyu.core import clock, web_sessions
from chuanyu.core.db import ReadSessionDep
from chuanyu.core.errors import Conflict, PermissionDenied, Unauthenticated, invalid
from chuanyu.core.models import ApiToken, User
from chuanyu.core.schemas import UserRead


class Role(StrEnum):
    """Roles an account can hold."""

    admin = "admin"
    joint_office = "joint_office"
    window_clerk = "window_clerk"
    fund_officer = "fund_officer"
    registrar = "registrar"
    hr_officer = "hr_officer"
    employer = "employer"
    citizen = "citizen"


ROLE_LABELS = {
    Role.admin: "系统管理员",
    Role.joint_office: "联合办公室",
    Role.window_clerk: "窗口工作人员",
    Role.fund_officer: "公积金经办人员",
    Role.registrar: "登记机关工作人员",
    Role.hr_officer: "人社经办人员",
    Role.employer: "用人单位",
    Role.citizen: "群众/申请人",
}

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    """True when `password` matches the stored hash."""
    try:
        return _hasher.verify(stored, password)
    except VerificationError:
        return False


def token_digest(token: str) -> str:
    """The stored form of a bearer token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _read(user: User, member: str) -> UserRead:
    return UserRead(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        roles=[r for r in user.roles.split(",") if r],
        member=member,
        subject_id=user.subject_id,
    )


def create_user(
    *,
    session: Session,
    username: str,
    password: str,
    roles: list[str],
    display_name: str | None = None,
    subject_id: str | None = None,
) -> User:
    """Create an account (flushes; the caller commits)."""
    unknown = [r for r in roles if r not in Role.__members__]
    if unknown:
        raise invalid("roles", f"未知角色: {', '.join(unknown)}")
    if len(password) < 8:
        raise invalid("password", "密码至少 8 位")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise Conflict(f"用户名 {username} 已存在")
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        roles=",".join(roles),
        subject_id=subject_id,
        created_at=clock.now(),
    )
    session.add(user)
    session.flush()
    return user


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def authenticate(*, session: Session, username: str, password: str) -> User | None:
    """The active account for these credentials, or None."""
    user = session.scalar(select(User).where(User.username == username))
    # An unknown name costs one argon2 verification too, so timing does not reveal accounts.
    matches = verify_password(user.password_hash if user else _dummy_hash(), password)
    if user is None or not user.is_active or not matches:
        return None
    return user


def set_password(*, session: Session, user: User, password: str) -> None:
    """Change an account's password and end its browser sessions (flushes)."""
    if len(password) < 8:
        raise invalid("password", "密码至少 8 位")
    user.password_hash = hash_password(password)
    web_sessions.end_all(session=session, user_id=user.id)


def set_roles(*, session: Session, user: User, roles: list[str]) -> None:
    """Replace an account's roles and end its browser sessions (flushes)."""
    unknown = [r for r in roles if r not in Role.__members__]
    if unknown or not roles:
        raise invalid("roles", f"未知角色: {', '.join(unknown)}" if unknown else "至少需要一个角色")
    user.roles = ",".join(roles)
    web_sessions.end_all(session=session, user_id=user.id)


def issue_token(*, session: Session, user: User, name: str = "api", days: int = 30) -> str:
    """A new bearer token for `user` (flushes; the caller commits)."""
    token = secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            user_id=user.id,
            token_digest=token_digest(token),
            name=name,
            created_at=clock.now(),
            expires_at=clock.now() + timedelta(days=days),
        )
    )
    session.flush()
    return token


def current_user_or_none(request: Request, session: ReadSessionDep) -> UserRead | None:
    """The account behind the bearer token or the page session, if any."""
    user = _resolve(request, session)
    # End the read here: the route's own reads start a fresh snapshot, and nothing is held
    # open while the route calls another node.
    session.rollback()
    request.state.user = user
    return user


def _resolve(request: Request, session: Session) -> UserRead | None:
    member = request.app.state.node.member
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        digest = token_digest(header[7:].strip())
        row = session.execute(
            select(User, ApiToken)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_digest == digest)
        ).first()
        if row is None:
            return None
        user, token = row
        expires = token.expires_at
        if not user.is_active or (expires is not None and expires < clock.now()):
            return None
        return _read(user, member)
    account = web_sessions.user_of(session=session, request=request)
    if account is None or not account.is_active:
        return None
    return _read(account, member)


OptionalUser = Annotated[UserRead | None, Depends(current_user_or_none)]


def current_user(user: OptionalUser) -> UserRead:
    """The signed-in account; 401 when there is none."""
    if user is None:
        raise Unauthenticated("请先登录（页面登录或 API 令牌）")
    return user


CurrentUser = Annotated[UserRead, Depends(current_user)]


def require(*roles: str) -> Any:
    """Route dependency: a signed-in account holding one of `roles` (none = any account)."""
    for role in roles:
        Role(role)

    def check(user: CurrentUser) -> UserRead:
        if roles and not user.has(*roles):
            names = "、".join(ROLE_LABELS[Role(r)] for r in roles)
            raise PermissionDenied(f"您的账号无权使用此功能（需要{names}账号）。"
                                   "如需办理，请使用对应账号登录，或联系窗口工作人员。",
                                   code="role_required")
        return user

    check.chuanyu_roles = tuple(roles)  # type: ignore[attr-defined]
    return Depends(check)


def public() -> Any:
    """Route dependency marking a route as open to everyone, signed in or not."""

    def open_route(user: OptionalUser) -> None:  # noqa: ARG001 (resolves the user for pages)
        return None

    open_route.chuanyu_public = True  # type: ignore[attr-defined]
    return Depends(open_route)


def signature_auth(check: Callable[..., Any]) -> Any:
    """Route dependency for exchange endpoints: callers are member nodes, checked by signature."""
    check.chuanyu_federation = True  # type: ignore[attr-defined]
    return Depends(check)
