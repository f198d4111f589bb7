"""Inputs that once made the API answer 500: each is now refused with a 4xx and a message."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from chuanyu.registry.demo import sample_application
from tests.conftest import AppClient

LIST_ENDPOINTS = [
    ("/api/ledger/entries", "citizen"),
    ("/api/housing_fund/applications", "fund_officer"),
    ("/api/housing_fund/accounts", "fund_officer"),
    ("/api/housing_fund/certificates/issued", "fund_officer"),
    ("/api/window/cases", "window_clerk"),
    ("/api/registry/licences", "registrar"),
]

ENTRY: dict[str, Any] = {
    "kind": "agreement",
    "title": "潼南区与遂宁市签署补充协议",
    "date": "2020-06",
    "parties": ["500152", "510900"],
}


def _fields(response: Any) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def test_job_search_with_unknown_region_is_refused(client: AppClient) -> None:
    response = client.get("/api/jobs/search", params={"region": "999999"})
    assert response.status_code == 422, response.text
    assert "行政区划" in _fields(response)["region"]


@pytest.mark.parametrize(("path", "role"), LIST_ENDPOINTS)
def test_huge_offset_is_refused(client: AppClient, path: str, role: str) -> None:
    headers = client.login_as(role)
    response = client.get(path, params={"offset": 2**64}, headers=headers)
    assert response.status_code == 422, response.text
    assert "offset" in _fields(response)
    assert client.get(path, params={"offset": 10_000}, headers=headers).status_code == 200


@pytest.mark.parametrize(("path", "role"), LIST_ENDPOINTS)
def test_list_pages_say_where_they_are(client: AppClient, path: str, role: str) -> None:
    page = client.get(path, params={"limit": 7, "offset": 3},
                      headers=client.login_as(role)).json()
    assert page == {"items": [], "total": 0, "limit": 7, "offset": 3}


def test_non_utf8_body_on_a_case_action_is_refused(client: AppClient) -> None:
    headers = {**client.login_as("window_clerk"), "content-type": "application/json"}
    response = client.post("/api/window/cases/CQ-20200101-0001/accept",
                           content=b'{"note": "\xff\xfe"}', headers=headers)
    assert response.status_code in (400, 422), response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "UTF-8" in response.json()["detail"]


def test_non_utf8_body_on_any_json_route_is_refused_in_chinese(client: AppClient) -> None:
    response = client.post("/api/ledger/entries", content=b"\xff\xfe\x00{",
                           headers={**client.login_as("joint_office"),
                                    "content-type": "application/json"})
    assert 400 <= response.status_code < 500, response.text
    assert "请求体" in response.json()["detail"]


@pytest.mark.parametrize("capital", ["1e30", "1E+400000", "99999999999999999999999999999999.5"])
def test_huge_registered_capital_is_refused(client: AppClient, capital: str) -> None:
    application = sample_application("CQ", name="重庆两江巨资科技有限公司", seed=1)
    body = application.model_dump(mode="json")
    body["registered_capital"] = capital
    response = client.post("/api/registry/licences", json={"application": body},
                           headers=client.login_as("registrar"))
    assert response.status_code == 422, response.text
    assert "过大" in _fields(response)["application.registered_capital"]


@pytest.mark.parametrize("title", ["潼南区\x07签署协议", "潼南区签署协议\x00", "第一行\x1b[31m"])
def test_ledger_entry_with_control_characters_is_refused(client: AppClient, title: str) -> None:
    response = client.post("/api/ledger/entries", json={**ENTRY, "title": title},
                           headers=client.login_as("joint_office"))
    assert response.status_code == 422, response.text
    assert "控制字符" in _fields(response)["title"]


def test_ledger_entry_keeps_line_breaks_and_tabs(client: AppClient) -> None:
    body = {**ENTRY, "title": "潼南区与遂宁市\t签署协议", "summary": "第一段\n第二段"}
    response = client.post("/api/ledger/entries", json=body,
                           headers=client.login_as("joint_office"))
    assert response.status_code == 201, response.text


def test_api_timestamps_carry_their_zone(client: AppClient) -> None:
    headers = client.login_as("joint_office")
    created = client.post("/api/ledger/entries", json=ENTRY, headers=headers).json()
    one = client.get(f"/api/ledger/entries/{created['id']}", headers=headers).json()
    listed = client.get("/api/ledger/entries", headers=headers).json()["items"][0]
    for body in (created, one, listed):
        for name in ("created_at", "updated_at"):
            assert datetime.fromisoformat(body[name]).utcoffset() is not None, body[name]


@pytest.mark.parametrize(("path", "role", "body", "field"), [
    ("/api/jobs/postings", "hr_officer", {"title": "焊工\x07"}, "title"),
    ("/api/registry/name-check?region=CQ", "registrar", {"name": "重庆\x1b科技"}, "name"),
    ("/api/window/track", "window_clerk",
     {"case_number": "CQ-2020\x00-0001", "id_number": "500103199001010010"}, "case_number"),
    ("/api/housing_fund/applications", "fund_officer", {"applicant_name": "张\x08三"},
     "applicant_name"),
])
def test_free_text_refuses_control_characters_in_every_domain(
        client: AppClient, path: str, role: str, body: dict[str, Any], field: str) -> None:
    response = client.post(path, json=body, headers=client.login_as(role))
    assert response.status_code == 422, response.text
    assert "控制字符" in _fields(response).get(field, ""), response.text
