"""HTTP endpoints of the exchange: signed calls and batches in, status out."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from starlette.requests import ClientDisconnect

from chuanyu.core import storage
from chuanyu.core.db import ReadSessionDep
from chuanyu.core.security import public, require, signature_auth
from chuanyu.exchange import limits, server, status, transport
from chuanyu.node import NodeDep

log = logging.getLogger(__name__)

wire_router = APIRouter(tags=["exchange"])
router = APIRouter(tags=["exchange"])


def _signed_by_member() -> None:
    """Callers are member nodes; the handler checks each message's envelope and signature."""


def _address(request: Request) -> str:
    """The client's address, as the connection shows it."""
    return request.client.host if request.client else "?"


async def _body(request: Request, limit: int) -> bytes | None:
    """The body, or None when the sender went away before sending all of it."""
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                return b"\0" * (limit + 1)  # the handler refuses it as too large
            chunks.append(chunk)
    except ClientDisconnect:
        log.info("%s %s from %s: the sender disconnected after %d bytes of the body; "
                 "nothing was processed", request.method, request.url.path, _address(request),
                 size)
        return None
    return b"".join(chunks)


@wire_router.post("/exchange/call/{service}", dependencies=[signature_auth(_signed_by_member)],
                  include_in_schema=False)
async def receive_call(service: str, request: Request, node: NodeDep) -> Response:
    """Receive a signed service call from another member."""
    body = await _body(request, node.settings.max_body_bytes)
    if body is None:
        return Response(status_code=400)  # nobody is listening for the answer
    refused = await run_in_threadpool(transport.refuse_mismatched_sender, node, request.scope,
                                      request.headers, "call", service, body)
    if refused is not None:
        return Response(refused[1], status_code=refused[0], headers=refused[2])
    answer = await run_in_threadpool(server.handle_call, node, service, request.headers, body,
                                     address=_address(request))
    return Response(answer.body, status_code=answer.status, headers=answer.headers)


@wire_router.post("/exchange/events/{stream}", dependencies=[signature_auth(_signed_by_member)],
                  include_in_schema=False)
async def receive_batch(stream: str, request: Request, node: NodeDep) -> Response:
    """Receive a signed batch of events from another member."""
    body = await _body(request, node.settings.max_body_bytes)
    if body is None:
        return Response(status_code=400)  # nobody is listening for the answer
    refused = await run_in_threadpool(transport.refuse_mismatched_sender, node, request.scope,
                                      request.headers, "batch", stream, body)
    if refused is not None:
        return Response(refused[1], status_code=refused[0], headers=refused[2])
    answer = await run_in_threadpool(server.handle_batch, node, stream, request.headers, body,
                                     address=_address(request))
    return Response(answer.body, status_code=answer.status, headers=answer.headers)


@wire_router.get("/exchange/limits", dependencies=[public()], include_in_schema=False)
def published_limits(node: NodeDep) -> Response:
    """This node's inbound body limit, signed with its key (peers size their batches by it)."""
    body, headers = limits.published(node)
    return Response(body, headers=headers)


@router.get("/health", dependencies=[public()], response_model=None)
def health(node: NodeDep) -> Response:
    """Which member answers, and whether it can store: the database takes a write (rolled
    back) and the disk has room; 503 with the reasons otherwise."""
    problems = [p for p in (storage.check_write(node), storage.check_disk(node)) if p]
    data: dict[str, Any] = {"member": node.member, "name": node.name,
                            "status": "unavailable" if problems else "ok"}
    if not problems:
        return JSONResponse(data)
    detail = f"{node.member} 存储故障：" + "；".join(problems)
    return JSONResponse({**data, "type": "https://chuanyu.example/problems/storage_unavailable",
                         "title": "节点存储故障", "detail": detail, "code": "storage_unavailable",
                         "errors": [], "problems": problems},
                        status_code=503, media_type="application/problem+json")


@router.get("/exchange/status", dependencies=[require("admin", "joint_office")])
def exchange_status(session: ReadSessionDep, node: NodeDep) -> dict[str, Any]:
    """Outbox backlog and lag per subscriber, inbox cursors, last audit checkpoint."""
    return status.summary(session=session, node=node)
