"""Undecodable input anywhere is a 4xx problem answer in Chinese, never a 500."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from chuanyu.main import install_error_handlers


def test_undecodable_body_is_a_problem_not_a_server_error() -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/api/echo")
    async def echo(request: Request) -> dict[str, str]:
        return {"text": (await request.body()).decode("utf-8")}

    response = TestClient(app, raise_server_exceptions=False).post("/api/echo",
                                                                   content=b"\xff\xfe")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "undecodable_body" and "UTF-8" in body["detail"]
