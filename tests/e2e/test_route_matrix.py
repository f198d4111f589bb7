"""Every route declares who may use it, and the declaration holds for every role."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.routing import APIRoute

from chuanyu.core.security import Role
from tests.conftest import AppClient


def _access(route: Any) -> tuple[str, tuple[str, ...]]:
    """('public' | 'federation' | 'roles', roles) from the route's dependencies."""
    for dep in route.dependant.dependencies:
        call: Any = dep.call
        if getattr(call, "chuanyu_public", False):
            return "public", ()
        if getattr(call, "chuanyu_federation", False):
            return "federation", ()
        if hasattr(call, "chuanyu_roles"):
            return "roles", tuple(call.chuanyu_roles)
    return "undeclared", ()


@dataclass(frozen=True)
class Route:
    """A route as served: its full path, methods and the APIRoute that declares it."""

    path: str
    methods: frozenset[str]
    api_route: APIRoute

    @property
    def dependant(self) -> Any:
        return self.api_route.dependant


def _flatten(routes: list[Any]) -> list[Route]:
    flat = []
    for route in routes:
        if isinstance(route, APIRoute):
            flat.append(Route(route.path, frozenset(route.methods), route))
        elif hasattr(route, "effective_route_contexts"):  # routers included lazily
            for ctx in route.effective_route_contexts():
                if isinstance(ctx.original_route, APIRoute):
                    flat.append(Route(ctx.path, frozenset(ctx.methods), ctx.original_route))
    return flat


def _routes(client: AppClient) -> list[Route]:
    return _flatten(list(client.app.router.routes))  # type: ignore[attr-defined]


def _url(route: Route) -> str:
    return re.sub(r"\{[^}]+\}", "1", route.path)


def _code(response: Any) -> str | None:
    try:
        return str(response.json().get("code"))
    except ValueError:
        return None


def test_every_route_declares_its_access(client: AppClient) -> None:
    undeclared = [f"{sorted(r.methods)} {r.path}" for r in _routes(client)
                  if _access(r)[0] == "undeclared"]
    assert not undeclared, f"routes without require()/public(): {undeclared}"


def test_role_matrix(client: AppClient) -> None:
    headers = {role.value: client.login_as(role.value) for role in Role}
    problems: list[str] = []
    checked = 0
    for route in _routes(client):
        kind, roles = _access(route)
        if kind != "roles":
            continue
        url = _url(route)
        api = route.path.startswith("/api/")
        for method in sorted(route.methods):
            anonymous = client.request(method, url, follow_redirects=False)
            expected = 401 if api else 303
            if anonymous.status_code != expected:
                problems.append(f"{method} {url} anonymous: {anonymous.status_code}")
            for role in Role:
                allowed = not roles or role.value in roles or role is Role.admin
                response = client.request(method, url, headers={**headers[role.value],
                                                                "accept": "application/json"},
                                          follow_redirects=False)
                checked += 1
                denied = response.status_code == 401 or (
                    response.status_code == 403 and _code(response) == "role_required")
                if allowed == denied:
                    problems.append(f"{method} {url} as {role.value}: {response.status_code} "
                                    f"(declared {roles or 'any signed-in'})")
    assert checked > 0
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", ["/", "/login", "/api/health"])
def test_public_routes_answer_without_signing_in(client: AppClient, path: str) -> None:
    assert client.get(path).status_code == 200
