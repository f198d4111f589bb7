"""Input helpers shared by the API and the pages."""

from __future__ import annotations

from pydantic import ValidationError
from sqlalchemy.orm import Session

from chuanyu.core.errors import FieldError, InvalidInput
from chuanyu.registry.schemas import VerifyRequest


def field_errors(exc: ValidationError) -> InvalidInput:
    """A Pydantic error as the core's InvalidInput, one message per field."""
    errors = [
        FieldError(
            ".".join(str(p) for p in e["loc"]) or "body",
            str(e["msg"]).removeprefix("Value error, "),
        )
        for e in exc.errors()
    ]
    return InvalidInput(detail="；".join(e.message for e in errors), errors=errors)


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
