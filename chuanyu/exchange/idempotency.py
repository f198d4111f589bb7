"""Idempotency keys of state-changing service calls: a retry gets the answer already given.

A caller that did not hear back cannot tell whether its call was carried out. It retries with
the same key (a field of the signed body, stable across retries, unlike the message id which
stays unique for replay protection). The provider keeps (caller, service, key) with the digest
of the request and the answer, written in the same transaction as the state change, so a retry
of the same request is answered with the same body under a fresh signed envelope, and a
different request under a used key is refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.core.errors import Conflict
from chuanyu.exchange.envelope import Token, canonical_json
from chuanyu.exchange.models import IdempotentCall
from chuanyu.exchange.signing import digest

if TYPE_CHECKING:
    from chuanyu.exchange.registry import Service

KEY_FIELD = "idempotency_key"


class _Key(BaseModel):
    model_config = ConfigDict(extra="forbid")

    idempotency_key: Token | None = None


@dataclass
class IdempotencyMismatch(Conflict):
    """The key was already used by this caller for a different request."""

    code: str = "idempotency_mismatch"
    title = "幂等键已用于另一请求"


def with_key(data: dict[str, Any], key: str | None) -> dict[str, Any]:
    """The request body a caller sends: the request with its idempotency key, if any."""
    return data if key is None else {**data, KEY_FIELD: key}


def read_request(spec: Service, body: bytes) -> tuple[str | None, BaseModel]:
    """The key (of a keyed service) and the validated request; ValidationError when malformed."""
    if not spec.idempotent:
        return None, spec.request.model_validate_json(body)
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return None, spec.request.model_validate_json(body)  # raises the model's own errors
    key = _Key.model_validate({KEY_FIELD: data.pop(KEY_FIELD, None)}).idempotency_key
    return key, spec.request.model_validate(data)


def request_digest(request: BaseModel) -> str:
    """Digest of a request's content, independent of key order and spacing."""
    return digest(canonical_json(request.model_dump(mode="json")))


def answer(*, session: Session, spec: Service, caller: str, key: str | None,
           request: BaseModel, run: Callable[[], dict[str, Any]]) -> tuple[dict[str, Any], bool]:
    """The answer to a call and whether it is a replay: the stored one for a retried key,
    else `run()`'s, stored under the key in the session's transaction."""
    if key is None or not spec.idempotent:
        return run(), False
    wanted = request_digest(request)
    row = _claim(session=session, caller=caller, service=spec.name, key=key, wanted=wanted)
    if row.request_digest != wanted:
        raise IdempotencyMismatch(
            f"幂等键 {key} 已用于 {caller} 的另一请求；重试请原样重发，新请求请使用新的键")
    if row.body is not None:
        stored: dict[str, Any] = json.loads(row.body)
        return stored, True
    data = run()
    row.status, row.body = 200, json.dumps(data, ensure_ascii=False)
    session.flush()
    return data, False


def _claim(*, session: Session, caller: str, service: str, key: str, wanted: str
           ) -> IdempotentCall:
    """The key's row: the one already stored, or a new one claimed for this call.

    Concurrent retries race on the primary key: the loser waits for the winner's transaction
    (PostgreSQL) or for the write slot (SQLite) and then finds its row with the answer.
    """
    row = _stored(session=session, caller=caller, service=service, key=key)
    if row is not None:
        return row
    row = IdempotentCall(caller=caller, service=service, key=key, request_digest=wanted,
                         created_at=clock.now())
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        found = _stored(session=session, caller=caller, service=service, key=key)
        if found is None:
            raise
        return found
    return row


def _stored(*, session: Session, caller: str, service: str, key: str) -> IdempotentCall | None:
    query = select(IdempotentCall).where(IdempotentCall.caller == caller,
                                         IdempotentCall.service == service,
                                         IdempotentCall.key == key)
    return session.scalar(query.execution_options(populate_existing=True))
