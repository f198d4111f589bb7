"""ASGI middleware around every node: body limits, security headers, scheme-aware sessions."""

from __future__ import annotations

import json
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MIB = 1024 * 1024


class BodyTooLarge(HTTPException):
    """A request body over its route's limit (413); FastAPI passes HTTP errors through."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"请求体过大：此处上限 {_size(limit)}，请缩小文件或分次提交")
        self.limit = limit


def _size(limit: int) -> str:
    return f"{limit / MIB:g} MB" if limit >= MIB else f"{limit // 1024} KB"


async def _refuse(send: Send, limit: int) -> None:
    err = BodyTooLarge(limit)
    body = json.dumps({"type": "https://chuanyu.example/problems/body_too_large",
                       "title": "请求体过大", "status": 413, "detail": err.detail,
                       "code": "body_too_large", "errors": []}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/problem+json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Refuse bodies over the limit before reading them (Content-Length), or as they stream in.

    Multipart uploads get `upload_bytes`, every other body `json_bytes`; bulk routes (path ->
    limit) get theirs only when the request carries credentials, since the body is read before
    the route checks them; paths under an exempt prefix (the exchange, which enforces its own
    limit) are left alone.
    """

    def __init__(self, app: ASGIApp, *, json_bytes: int, upload_bytes: int,
                 bulk: dict[str, int] | None = None,
                 exempt: tuple[str, ...] = ("/exchange/",)) -> None:
        self.app = app
        self.json_bytes = json_bytes
        self.upload_bytes = upload_bytes
        self.bulk = bulk or {}
        self.exempt = exempt

    def limit_for(self, path: str, headers: Headers) -> int:
        """The body limit of a request to `path` with these headers."""
        multipart = headers.get("content-type", "").startswith("multipart/form-data")
        limit = self.upload_bytes if multipart else self.json_bytes
        if path in self.bulk and ("authorization" in headers or "cookie" in headers):
            limit = max(limit, self.bulk[path])
        return limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.exempt):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit = self.limit_for(scope["path"], headers)
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _refuse(send, limit)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if started:
                raise
            await _refuse(send, limit)


# Scripts only from our own files (no inline code, no event attributes). Inline styles stay
# allowed: printable documents (ledger report, licence) embed their stylesheet and are served
# as they are printed, and a style cannot run code.
PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
DOCS_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
               "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
               "img-src 'self' data: https://fastapi.tiangolo.com; worker-src blob:; "
               "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
DOCS_PATHS = ("/docs", "/redoc")


class SecurityHeaders:
    """Content-Security-Policy, framing, sniffing and referrer rules; HSTS under TLS."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"].startswith(DOCS_PATHS)
        tls = scope.get("scheme") == "https"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = DOCS_POLICY if docs else PAGE_POLICY
                headers["X-Frame-Options"] = "DENY"
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
                if tls:
                    headers["Strict-Transport-Security"] = "max-age=31536000"
            await send(message)

        await self.app(scope, receive, with_headers)


class SchemeSessions:
    """Starlette's signed-cookie sessions, with `Secure` cookies when served over TLS."""

    def __init__(self, app: ASGIApp, /, **options: Any) -> None:
        self.plain = SessionMiddleware(app, https_only=False, **options)
        self.tls = SessionMiddleware(app, https_only=True, **options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        chosen = self.tls if scope.get("scheme") in ("https", "wss") else self.plain
        await chosen(scope, receive, send)
