"""Input helpers shared by the API and the pages."""

from __future__ import annotations

from pydantic import ValidationError

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
