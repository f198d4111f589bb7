"""`Idempotency-Key` on creating API requests: a retry after a lost response gets the stored
response instead of creating the record twice.

The key is claimed (user, key → request digest) in the route's own session, so the claim
commits with the record it created or disappears with it; the response is stored once the
route has answered and replayed, with `Idempotent-Replayed: true`, to the same user sending
the same key and the same request. The same key with a different request is refused; a
concurrent duplicate waits on the claim's unique key and is then answered from it. Keys
expire after a day. Requests without the header behave as before.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from chuanyu.core import clock
from chuanyu.core.db import WriteSessionDep, write_scope
from chuanyu.core.errors import Conflict, FieldError, InvalidInput
from chuanyu.core.models import IdempotentRequest
from chuanyu.core.security import CurrentUser

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
LIFETIME = timedelta(hours=24)
CLAIM = "idempotency_claim"  # request state: id of the row claimed for this request
KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,255}")
KEY_HELP = ("重试时原样重发同一请求并带上同一个键（如 UUID），得到的是首次的结果而不会重复创建；"
            "24 小时内有效")

Message = MutableMapping[str, Any]
Send = Callable[[Message], Awaitable[None]]


class Replayed(Exception):  # noqa: N818 (a control-flow signal, not a failure)
    """The response stored for this key, to send again."""

    def __init__(self, row: IdempotentRequest) -> None:
        super().__init__(row.key)
        self.status = row.response_status or 200
        self.body = row.response_body or b""
        self.content_type = row.content_type


def _key_error(message: str) -> InvalidInput:
    return InvalidInput(message, code="invalid_idempotency_key",
                        errors=[FieldError(HEADER, message)])


def idempotent() -> Any:
    """Route dependency honouring an `Idempotency-Key` header (list it after `require`)."""
    return Depends(_honour)


async def _honour(request: Request, user: CurrentUser, session: WriteSessionDep,
                  key: Annotated[str | None, Header(alias=HEADER, description=KEY_HELP)] = None
                  ) -> None:
    if key is None:
        return
    if not KEY_PATTERN.fullmatch(key):
        raise _key_error("Idempotency-Key 须为 1–255 个可见 ASCII 字符（建议使用 UUID）")
    digest = await request_digest(request)
    route = f"{request.method} {request.url.path}"[:255]
    claim = await run_in_threadpool(
        _claim, session=session, user_id=user.id, key=key, digest=digest, route=route
    )
    setattr(request.state, CLAIM, claim)


async def request_digest(request: Request) -> str:
    """Digest of what the request asks for: method, path, query and body content (JSON
    independent of key order and spacing, forms independent of the multipart boundary)."""
    content_type = request.headers.get("content-type", "")
    body: Any
    if content_type.startswith("multipart/form-data"):
        body = sorted([await _part(name, value)
                       for name, value in (await request.form()).multi_items()])
    else:
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = hashlib.sha256(raw).hexdigest()
    query = sorted(request.query_params.multi_items())
    text = json.dumps([request.method, request.url.path, query, body], sort_keys=True,
                      ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


async def _part(name: str, value: str | UploadFile) -> list[str]:
    if isinstance(value, str):
        return [name, "field", value]
    content = await value.read()
    await value.seek(0)  # the route reads it again
    return [name, "file", value.filename or "", value.content_type or "",
            hashlib.sha256(content).hexdigest()]


def _claim(*, session: Session, user_id: int, key: str, digest: str, route: str) -> int:
    """Claim the key for this request (the row id); Replayed, or a refusal, when it is taken."""
    now = clock.now()
    session.execute(delete(IdempotentRequest).where(IdempotentRequest.user_id == user_id,
                                                    IdempotentRequest.expires_at <= now))
    row = _stored(session=session, user_id=user_id, key=key)
    if row is None:
        row = IdempotentRequest(user_id=user_id, key=key, request_digest=digest, route=route,
                                created_at=now, expires_at=now + LIFETIME)
        try:
            with session.begin_nested():
                session.add(row)
            return row.id
        except IntegrityError:  # a concurrent duplicate committed first
            row = _stored(session=session, user_id=user_id, key=key)
            if row is None:
                raise
    if row.request_digest != digest:
        raise _key_error("该 Idempotency-Key 已用于内容不同的另一请求：重试请原样重发，"
                         "新的请求请使用新的键")
    if row.response_status is None:
        raise Conflict("使用该 Idempotency-Key 的请求正在处理或结果未能保存，请稍后查询后再试",
                       code="idempotency_in_progress")
    raise Replayed(row)


def _stored(*, session: Session, user_id: int, key: str) -> IdempotentRequest | None:
    query = select(IdempotentRequest).where(IdempotentRequest.user_id == user_id,
                                            IdempotentRequest.key == key)
    return session.scalar(query.execution_options(populate_existing=True))


def _store(node: Any, claim: int, start: Message, body: bytes) -> None:
    """Keep the response of a claimed request (when its claim was committed with the change)."""
    headers = {k.decode("latin-1").lower(): v.decode("latin-1")
               for k, v in start.get("headers", [])}
    with write_scope(node) as session:
        row = session.get(IdempotentRequest, claim)
        if row is not None and row.response_status is None:
            row.response_status = int(start["status"])
            row.response_body = body
            row.content_type = headers.get("content-type")


class StoreResponses:
    """ASGI middleware: hold the response of a request that claimed a key until it is stored,
    so a retry never finds the claim without its response."""

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Send) -> None:
        if scope["type"] != "http" or not any(
                name == b"idempotency-key" for name, _ in scope.get("headers", [])):
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        held: list[Message] = []

        async def hold(message: Message) -> None:
            if state.get(CLAIM) is None:
                await send(message)
            else:
                held.append(message)

        await self.app(scope, receive, hold)
        if held:
            body = b"".join(m.get("body", b"") for m in held[1:])
            await run_in_threadpool(_store, scope["app"].state.node, state[CLAIM], held[0], body)
            for message in held:
                await send(message)


async def _replay(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Replayed)
    return Response(exc.body, status_code=exc.status, media_type=exc.content_type,
                    headers={REPLAYED: "true"})


def install(app: FastAPI) -> None:
    """Store and replay the responses of requests carrying an `Idempotency-Key`."""
    app.add_middleware(StoreResponses)
    app.add_exception_handler(Replayed, _replay)
