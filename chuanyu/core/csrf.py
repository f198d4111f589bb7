"""Cross-site request forgery: state changes riding on a browser cookie must come from our pages.

Two independent checks on every unsafe request that is not bearer-authenticated:

1. the browser's own statement of where the request comes from (`Sec-Fetch-Site`, `Origin`)
   must be this very origin;
2. a signed-in session must also present its per-session token, in the `X-CSRF-Token` header
   (HTMX, scripts) or the `csrf_token` form field (every page form carries it).

Bearer-token API calls carry no ambient credential and are not checked; the exchange endpoints
are signature-authenticated and never read the session.
"""

from __future__ import annotations

import secrets

from fastapi import Request

from chuanyu.core.errors import PermissionDenied
from chuanyu.core.web_sessions import csrf_token

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
HEADER = "X-CSRF-Token"
FIELD = "csrf_token"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
EXEMPT_PREFIXES = ("/exchange/",)


def same_origin(request: Request) -> bool:
    """False when the browser says the request was started by another site or origin."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        # Browsers send Origin on every cross-origin POST; a missing one is a non-browser client.
        return True
    return origin == f"{request.url.scheme}://{request.url.netloc}"


async def _sent_token(request: Request) -> str | None:
    token = request.headers.get(HEADER)
    if request.headers.get("content-type", "").startswith(FORM_TYPES):
        value = (await request.form()).get(FIELD)
        if token is None and isinstance(value, str):
            token = value
    return token


async def protect(request: Request) -> None:
    """App-wide dependency: refuse forged cookie-authenticated state changes (403)."""
    if request.method in SAFE_METHODS or request.url.path.startswith(EXEMPT_PREFIXES):
        return
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    if not same_origin(request):
        raise PermissionDenied("已拒绝来自其他网站的请求：请在本系统页面内操作",
                               code="csrf_origin")
    expected = csrf_token(request)
    if expected is None:
        return
    sent = await _sent_token(request)
    if sent is None or not secrets.compare_digest(sent, expected):
        raise PermissionDenied("页面安全令牌缺失或已失效：请刷新页面后重新提交",
                               code="csrf_token")
