"""The error answers every API route can give, declared once in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute

from chuanyu.core.schemas import Problem

PROBLEM_MEDIA_TYPE = "application/problem+json"

_DESCRIPTIONS = {
    400: "请求体格式错误",
    401: "未登录或令牌无效",
    403: "无权操作",
    404: "未找到",
    409: "与现有数据冲突",
    413: "请求体过大",
    415: "不支持的请求格式",
    422: "输入有误或不符合业务规则",
    503: "对方节点暂不可达，请稍后再试",
}


def _problem(status: int) -> dict[str, Any]:
    # Inline schema, not `model`: FastAPI reads `model` only when a route is built, and would
    # also document the body as application/json, which these answers never are.
    return {"description": _DESCRIPTIONS[status],
            "content": {PROBLEM_MEDIA_TYPE: {"schema": Problem.model_json_schema()}}}


def _is_public(route: APIRoute) -> bool:
    return any(getattr(dep.call, "chuanyu_public", False) for dep in route.dependant.dependencies)


def _statuses(route: APIRoute) -> list[int]:
    # Any route may answer 404 (an unknown record), 422 (input or a business rule) or 503 (a
    # use case that needs the other region's node while it is unreachable); every route but
    # the open ones checks the caller first; writes may clash and carry a body to refuse.
    statuses = [404, 422, 503]
    if not _is_public(route):
        statuses += [401, 403]
    if (route.methods or set()) - {"GET", "HEAD"}:
        statuses += [400, 409, 413, 415]
    return statuses


def document_problems(router: APIRouter) -> None:
    """Declare on each route of `router` the problem responses it can answer with (call it
    before the router is included anywhere)."""
    for route in router.routes:
        if not isinstance(route, APIRoute):
            continue
        for status in _statuses(route):
            route.responses.setdefault(status, _problem(status))


def file_answer(*media_types: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` of a route answering 200 with a file in one of `media_types`."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {200: {"description": "文件",
                  "content": {m.split(";")[0]: {} if m == "application/json" else binary
                              for m in media_types}}}
