"""Input helpers shared by the API and the pages."""

from __future__ import annotations

from pydantic import ValidationError
from sqlalchemy.orm import Session

from chuanyu.core.errors import InvalidInput
from chuanyu.core.messages import invalid_input
from chuanyu.registry.schemas import VerifyRequest


def field_errors(exc: ValidationError) -> InvalidInput:
    """A Pydantic error as the core's InvalidInput, one Chinese message per field."""
    return invalid_input(exc)


def verify_request(uscc: str | None, payload: str | None) -> VerifyRequest:
    """A verification request from query or form values; InvalidInput when unusable."""
    values = {
        "uscc": (uscc or "").strip() or None,
        "payload": (payload or "").strip() or None,
    }
    try:
        return VerifyRequest.model_validate(values)
    except ValidationError as exc:
        raise field_errors(exc) from None


def end_read_transaction(session: Session) -> None:
    """End the request's read-only transaction before an exchange call.

    The exchange audits each call in a transaction of its own; on SQLite (where every
    transaction takes the write lock) an open transaction of this request would block it.
    Only call this from a route whose session holds no pending writes.
    """
    session.commit()
