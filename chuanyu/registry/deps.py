"""FastAPI dependencies of the registry routes."""

from __future__ import annotations

from sqlalchemy.orm import Session


def end_read_transaction(session: Session) -> None:
    """End the request's read-only transaction before an exchange call.

    The exchange audits each call in a transaction of its own; on SQLite (where every
    transaction takes the write lock) an open transaction of this request would block it.
    Only call this from a route whose session holds no pending writes.
    """
    session.commit()
