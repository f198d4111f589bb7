"""The web shell: home, sign-in and sign-out, node status."""

from __future__ import annotations

from typing import Annotated

import httpx
from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse

from chuanyu.core import web_sessions
from chuanyu.core.db import ReadSessionDep, WriteSessionDep
from chuanyu.core.security import authenticate, public, require
from chuanyu.core.throttle import LoginThrottle, wait_message
from chuanyu.exchange import status
from chuanyu.jobs import indexing
from chuanyu.node import NodeDep
from chuanyu.web import render
from chuanyu.window import service as window_service

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


@router.get("/", dependencies=[public()])
def home(request: Request) -> HTMLResponse:
    """Landing page with the modules of this node."""
    return render(request, "shell/home.html")


@router.get("/login", dependencies=[public()])
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    """Sign-in form."""
    return render(request, "shell/login.html", {"next": _safe_next(next), "failed": False})


@router.post("/login", dependencies=[public()], response_model=None)
def login(
    request: Request,
    session: WriteSessionDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> HTMLResponse | RedirectResponse:
    """Check credentials (throttled per account and address) and start a page session."""
    throttle: LoginThrottle = request.app.state.login_throttle
    address = request.client.host if request.client else "unknown"
    form = {"next": _safe_next(next), "username": username}
    wait = throttle.wait_seconds(username, address)
    if wait:
        response = render(request, "shell/login.html",
                          {**form, "failed": True, "message": wait_message(wait)},
                          status_code=429)
        response.headers["Retry-After"] = str(wait)
        return response
    user = authenticate(session=session, username=username, password=password)
    if user is None:
        throttle.failed(username, address)
        return render(request, "shell/login.html", {**form, "failed": True}, status_code=401)
    throttle.succeeded(username)
    web_sessions.start(session=session, request=request, user=user)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", dependencies=[public()])
def logout(request: Request, session: WriteSessionDep) -> RedirectResponse:
    """End the page session, here and in the session table."""
    web_sessions.end(session=session, request=request)
    return RedirectResponse("/", status_code=303)


def _reachable(url: str) -> bool:
    try:
        return httpx.get(f"{url}/api/health", timeout=1.5).status_code == 200
    except httpx.HTTPError:
        return False


@router.get("/status", dependencies=[require()])
async def node_status(request: Request, node: NodeDep, session: ReadSessionDep) -> HTMLResponse:
    """Member, peers, outbox backlog and lag, audit checkpoint, holiday schedules to load."""
    summary = await run_in_threadpool(status.summary, session=session, node=node)
    calendar_warnings = await run_in_threadpool(window_service.calendar_warnings, session=session)
    index_queued = await run_in_threadpool(indexing.queued, session=session)
    session.rollback()
    peers = []
    for member in node.descriptor.peers(node.member):
        reachable = await run_in_threadpool(_reachable, member.base_url)
        peers.append({"id": member.id, "name": member.name, "base_url": member.base_url,
                      "reachable": reachable})
    return render(request, "shell/status.html", {"summary": summary, "peers": peers,
                                                 "calendar_warnings": calendar_warnings,
                                                 "transport": node.settings.tls_note,
                                                 "index": indexing.index_health(node),
                                                 "index_queued": index_queued})
