"""Application factory: one FastAPI app per node, API and pages on the same server."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from chuanyu import api, domains, duties
from chuanyu.core import csrf, idempotency, middleware
from chuanyu.core.config import Settings, get_settings
from chuanyu.core.errors import ChuanyuError, FieldError, InvalidInput, Unauthenticated
from chuanyu.core.messages import invalid_input, is_chinese, zh_http_title
from chuanyu.core.node_secret import session_secret
from chuanyu.core.security import public
from chuanyu.core.throttle import LoginThrottle
from chuanyu.exchange import api as exchange_api
from chuanyu.node import Node, open_node
from chuanyu.web import STATIC_DIR, render
from chuanyu.web.routes import shell

log = logging.getLogger(__name__)

PROBLEM = "application/problem+json"


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return (path.startswith(("/api/", "/exchange/"))
            or "application/json" in request.headers.get("accept", "")
            or request.headers.get("authorization", "").lower().startswith("bearer "))


def _problem_response(request: Request, err: ChuanyuError) -> Response:
    if _wants_json(request):
        return JSONResponse(err.problem(), status_code=err.status, media_type=PROBLEM)
    if isinstance(err, Unauthenticated):
        # The query is kept (a consent link carries its request there), encoded as one value.
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)
    return render(request, "shell/error.html", {"problem": err.problem()},
                  status_code=err.status)


def install_error_handlers(app: FastAPI) -> None:
    """Map domain errors and validation errors to problem responses (or error pages)."""

    @app.exception_handler(ChuanyuError)
    async def _domain_error(request: Request, err: ChuanyuError) -> Response:
        return _problem_response(request, err)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, err: RequestValidationError) -> Response:
        return _problem_response(request, invalid_input(err.errors()))

    @app.exception_handler(UnicodeDecodeError)
    async def _undecodable_body(request: Request, err: UnicodeDecodeError) -> Response:
        # Text the server reads itself is UTF-8 by construction; what fails is what was sent.
        log.warning("undecodable input on %s %s: %s", request.method, request.url.path, err)
        message = "请求内容不是有效的 UTF-8 文本，请以 UTF-8 编码重新提交"
        return _problem_response(request, InvalidInput(message, code="undecodable_body",
                                                       errors=[FieldError("body", message)]))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, err: StarletteHTTPException) -> Response:
        title = zh_http_title(err.status_code)
        detail = str(err.detail)
        problem = ChuanyuError(detail if is_chinese(detail) else title,
                               code=f"http_{err.status_code}")
        problem.status = err.status_code  # type: ignore[misc]
        problem.title = title  # type: ignore[misc]
        return _problem_response(request, problem)


def create_app(settings: Settings | None = None, node: Node | None = None) -> FastAPI:
    """Build the app for one node; it opens (and migrates) the node unless one is given."""
    settings = settings or get_settings()
    node = node or open_node(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Once-per-node work runs in the process holding the node's leader lock.
        stop_duties = duties.start(node, relay=settings.relay_enabled,
                                   tasks=settings.tasks_enabled)
        yield
        stop_duties()
        node.close()

    app = FastAPI(title=f"Chuanyu 川渝通办 · {node.member}", version="0.1.0", lifespan=lifespan,
                  dependencies=[Depends(csrf.protect)])
    app.state.node = node
    app.state.login_throttle = LoginThrottle(settings.login_throttle_storage)
    app.add_middleware(middleware.SchemeSessions, secret_key=session_secret(settings),
                       session_cookie=f"chuanyu_{node.member.lower()}", same_site="lax",
                       max_age=settings.session_max_hours * 3600)
    app.add_middleware(middleware.SecurityHeaders)
    app.add_middleware(middleware.BodyLimit, json_bytes=settings.max_json_bytes,
                       upload_bytes=settings.max_upload_bytes,
                       bulk={"/api/jobs/import": settings.max_import_bytes})
    install_error_handlers(app)
    idempotency.install(app)
    app.include_router(exchange_api.wire_router)
    app.include_router(api.build_router())
    app.include_router(shell.router)
    page_domains = []
    for domain, module in domains.page_modules():
        app.include_router(module.router, prefix=f"/{domain}")
        page_domains.append(domain)
    app.state.page_domains = page_domains
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    @app.get("/favicon.ico", include_in_schema=False, dependencies=[public()])
    def favicon() -> HTMLResponse:
        return HTMLResponse(status_code=204)

    return app
