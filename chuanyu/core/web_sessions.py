"""Browser sessions kept on the server, so that logout and account changes end them.

The signed cookie carries a random session id, the member that issued it and the session's
CSRF token; the table keeps only the id's digest. A cookie is honoured while its row exists,
was used within the idle timeout and is younger than the absolute lifetime.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from fastapi import Request
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.core.config import Settings
from chuanyu.core.db import write_scope
from chuanyu.core.models import User, WebSession

# Refreshing last_seen_at on every request would make every page view a write.
TOUCH_EVERY = timedelta(minutes=1)


def _digest(sid: str) -> str:
    from chuanyu.core.security import token_digest

    return token_digest(sid)


def _cookie(request: Request) -> dict[str, str] | None:
    return request.session if "session" in request.scope else None


def _stale(*, session: Session, user_id: int, settings: Settings) -> None:
    now = clock.now()
    session.execute(delete(WebSession).where(
        WebSession.user_id == user_id,
        or_(WebSession.last_seen_at < now - timedelta(minutes=settings.session_idle_minutes),
            WebSession.created_at < now - timedelta(hours=settings.session_max_hours))))


def start(*, session: Session, request: Request, user: User) -> None:
    """Open a session for `user` and put its id in the cookie (flushes; the caller commits)."""
    node = request.app.state.node
    _stale(session=session, user_id=user.id, settings=node.settings)
    sid = secrets.token_urlsafe(32)
    now = clock.now()
    session.add(WebSession(user_id=user.id, sid_digest=_digest(sid), created_at=now,
                           last_seen_at=now))
    session.flush()
    cookie = _cookie(request)
    if cookie is not None:
        cookie.clear()
        cookie.update({"sid": sid, "member": node.member, "csrf": secrets.token_urlsafe(32)})


def end(*, session: Session, request: Request) -> None:
    """End the session of this cookie (flushes; the caller commits)."""
    cookie = _cookie(request)
    if cookie is None:
        return
    sid = cookie.get("sid")
    if isinstance(sid, str):
        session.execute(delete(WebSession).where(WebSession.sid_digest == _digest(sid)))
        session.flush()
    cookie.clear()


def end_all(*, session: Session, user_id: int) -> int:
    """End every session of an account; the number ended (flushes; the caller commits)."""
    result = session.execute(delete(WebSession).where(WebSession.user_id == user_id))
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


def user_of(*, session: Session, request: Request) -> User | None:
    """The account of a live session cookie, or None (read on `session`); ending an expired
    session or refreshing the idle timer is a short unit of work of its own."""
    cookie = _cookie(request)
    node = request.app.state.node
    if not cookie or cookie.get("member") != node.member or not isinstance(cookie.get("sid"), str):
        return None
    row = session.execute(
        select(WebSession, User).join(User, User.id == WebSession.user_id)
        .where(WebSession.sid_digest == _digest(cookie["sid"]))
    ).first()
    if row is None:
        cookie.clear()
        return None
    record, user = row
    now = clock.now()
    settings = node.settings
    idle = now - clock.aware(record.last_seen_at)
    if (idle > timedelta(minutes=settings.session_idle_minutes)
            or now - clock.aware(record.created_at) > timedelta(hours=settings.session_max_hours)):
        with write_scope(node) as writer:
            writer.execute(delete(WebSession).where(WebSession.id == record.id))
        cookie.clear()
        return None
    if idle > TOUCH_EVERY:
        # The session resolver is an edge of its own: the touch must survive read-only pages.
        with write_scope(node) as writer:
            writer.execute(update(WebSession).where(WebSession.id == record.id)
                           .values(last_seen_at=now))
    return user


def csrf_token(request: Request) -> str | None:
    """The CSRF token of the signed-in session behind this request, if any."""
    cookie = _cookie(request)
    token = cookie.get("csrf") if cookie else None
    return token if isinstance(token, str) else None
