"""The window's REST API on one node: receipts, refusals with fields, roles, masking, clock."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from chuanyu.core import clock
from chuanyu.core.db import write_scope
from chuanyu.core.identifiers import mask_resident_id
from chuanyu.window.models import Case
from tests.conftest import AppClient
from tests.integration.window.window_helpers import (
    APPLICANT_ID,
    PDF,
    SCHEDULE_2027,
    at,
    load_both_catalogues,
    outbox_count,
    resident_id,
)

RS_MATERIALS = ("id_card", "application_form")  # SC-RS-001: 社会保障卡挂失与补换


def intake(
    client: AppClient,
    headers: dict[str, str],
    case: dict[str, Any],
    files: dict[str, tuple[str, bytes, str]] | None = None,
) -> Any:
    if files is None:
        files = {f"file.{code}": (f"{code}.pdf", PDF, "application/pdf") for code in RS_MATERIALS}
    return client.post(
        "/api/window/cases",
        headers=headers,
        data={"case": json.dumps(case, ensure_ascii=False)},
        files=files,
    )


def request(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "matter_code": "SC-RS-001",
        "authority_member": "SC",
        "applicant": {"name": "王小川", "id_number": APPLICANT_ID, "phone": "13800000000"},
        "materials": [{"code": "id_card", "original_sighted": True}],
    }
    body.update(changes)
    return body


@pytest.fixture
def ready(client: AppClient) -> AppClient:
    with write_scope(client.node) as session:
        load_both_catalogues(session, client.node)
    return client


def test_receipt_then_views_by_role(ready: AppClient) -> None:
    clerk = ready.login_as("window_clerk")
    with clock.freeze(at(date(2020, 9, 30))):
        response = intake(ready, clerk, request())
        assert response.status_code == 201, response.text
        case = response.json()
        number = case["case_number"]
        assert number.startswith("CQ-20200930-") and case["due_date"] == "2020-10-14"
        assert case["status"] == "received" and case["applicant_id_number"] == APPLICANT_ID

        supervisor = ready.get(
            f"/api/window/cases/{number}", headers=ready.login_as("joint_office")
        ).json()
        assert supervisor["applicant_id_number"] == mask_resident_id(APPLICANT_ID)
        assert APPLICANT_ID[6:14] not in supervisor["applicant_id_number"]
        assert supervisor["applicant_phone"] is None
        own = ready.get(
            f"/api/window/cases/{number}",
            headers=ready.login_as("citizen", subject_id=APPLICANT_ID),
        ).json()
        assert own["applicant_id_number"] == APPLICANT_ID
        stranger = ready.login_as("citizen", subject_id=resident_id("51010719900307123"))
        assert ready.get(f"/api/window/cases/{number}", headers=stranger).status_code == 404

        tracked = ready.post(
            "/api/window/track", json={"case_number": number, "id_number": APPLICANT_ID}
        )
        assert tracked.status_code == 200 and tracked.json()["status_label"] == "已收件"
        assert "*" in tracked.json()["applicant_id_number"]
        wrong = ready.post(
            "/api/window/track",
            json={"case_number": number, "id_number": resident_id("51010719900307123")},
        )
        assert wrong.status_code == 404

        queue = ready.get("/api/window/cases?side=intake", headers=clerk).json()
        assert queue["total"] == 1 and queue["items"][0]["days_left"] == 5
        file_id = case["materials"][0]["files"][0]["id"]
        got = ready.get(f"/api/window/cases/{number}/files/{file_id}", headers=clerk)
        assert got.content == PDF and got.headers["content-type"] == "application/pdf"


BAD = [
    (
        request(applicant={"name": "王小川", "id_number": "500106199803071230"}),
        None,
        "applicant.id_number",
    ),
    (
        request(
            applicant={"kind": "company", "name": "某某公司", "id_number": "91110000600037341M"}
        ),
        None,
        "applicant.id_number",
    ),
    (
        request(applicant={"name": "王小川", "id_number": APPLICANT_ID, "division_code": "519999"}),
        None,
        "applicant.division_code",
    ),
    (request(matter_code="CQ-RS-001"), None, "matter_code"),
    (request(), {"file.application_form": ("a.pdf", PDF, "application/pdf")}, "materials.id_card"),
    (
        request(),
        {
            "file.id_card": ("a.pdf", PDF + b"0" * (5 * 1024 * 1024), "application/pdf"),
            "file.application_form": ("a.pdf", PDF, "application/pdf"),
        },
        "files.id_card",
    ),
    (
        request(),
        {
            "file.id_card": ("a.pdf", PDF, "application/pdf"),
            "file.application_form": ("a.gif", b"GIF89a" + b"0" * 40, "image/gif"),
        },
        "files.application_form",
    ),
]


def test_bad_input_is_a_4xx_with_the_field_and_nothing_is_stored(ready: AppClient) -> None:
    clerk = ready.login_as("window_clerk")
    for body, files, field in BAD:
        response = intake(ready, clerk, body, files)
        assert response.status_code == 422, (field, response.text)
        assert field in {e["field"] for e in response.json()["errors"]}, response.json()
    # Business registration: an unknown domicile division inside the application.
    form = {
        "file." + c: (c + ".pdf", PDF, "application/pdf")
        for c in (
            "application_form",
            "articles",
            "investor_id",
            "officer_appointment",
            "domicile_proof",
        )
    }
    app = {
        "enterprise_type": "有限责任公司(自然人投资或控股)",
        "name": "成都川渝示例科技有限公司",
        "registered_capital": "100000",
        "legal_representative": {"name": "王小川", "id_number": APPLICANT_ID},
        "domicile": {"address": "天府大道中段1号", "division_code": "519999"},
        "business_scope": "软件开发",
        "investors": [{"name": "王小川", "id_number": APPLICANT_ID, "subscribed_amount": "100000"}],
    }
    ticks = [
        {"code": c, "original_sighted": True}
        for c in ("application_form", "articles", "investor_id")
    ]
    response = intake(
        ready, clerk, request(matter_code="SC-SCJG-001", materials=ticks, application=app), form
    )
    assert response.status_code == 422
    assert "application.domicile.division_code" in {e["field"] for e in response.json()["errors"]}
    with write_scope(ready.node) as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0
        assert outbox_count(session, "window.cases") == 0


def test_transitions_refused_by_state_and_role(ready: AppClient) -> None:
    clerk = ready.login_as("window_clerk")
    number = intake(ready, clerk, request()).json()["case_number"]
    deliver = ready.post(f"/api/window/cases/{number}/deliver", headers=clerk, json={})
    assert deliver.status_code == 422 and deliver.json()["code"] == "transition_not_allowed"
    # SC decides this case; CQ's officers may not, whatever their role.
    accept = ready.post(
        f"/api/window/cases/{number}/accept", headers=ready.login_as("admin"), json={}
    )
    assert accept.status_code == 403
    assert (
        ready.post(
            "/api/window/cases", headers=ready.login_as("citizen"), data={"case": "{}"}
        ).status_code
        == 403
    )
    assert ready.get("/api/window/cases").status_code == 401
    bad_action = ready.post(f"/api/window/cases/{number}/teleport", headers=clerk, json={})
    assert bad_action.status_code == 422


def test_due_dates_and_holiday_schedules(ready: AppClient) -> None:
    due = ready.get("/api/window/due", params={"received": "2020-09-30", "limit": 3})
    assert due.json()["due_date"] == "2020-10-12" and due.json()["provisional"] is False
    spring = ready.get("/api/window/due", params={"received": "2020-01-23", "limit": 1})
    assert spring.json()["due_date"] == "2020-02-03"
    provisional = ready.get("/api/window/due", params={"received": "2026-12-04", "limit": 20})
    assert provisional.status_code == 200
    assert provisional.json()["due_date"] == "2027-01-04"
    assert provisional.json()["provisional"] is True
    assert provisional.json()["provisional_years"] == [2027]
    uncovered = ready.get("/api/window/due", params={"received": "2003-06-02", "limit": 5})
    assert uncovered.status_code == 422 and "2003" in uncovered.json()["detail"]
    clerk = ready.login_as("window_clerk")
    assert ready.post("/api/window/holidays", json=SCHEDULE_2027, headers=clerk).status_code == 403
    admin = ready.login_as("admin")
    broken = ready.post(
        "/api/window/holidays",
        headers=admin,
        json={
            **SCHEDULE_2027,
            "festivals": [{"name": "元旦", "start": "2027-01-03", "end": "2027-01-01"}],
        },
    )
    assert broken.status_code == 422 and broken.json()["errors"]
    only_new_year = {**SCHEDULE_2027, "festivals": SCHEDULE_2027["festivals"][:1]}
    incomplete = ready.post("/api/window/holidays", headers=admin, json=only_new_year)
    assert incomplete.status_code == 422
    (error,) = incomplete.json()["errors"]
    assert error["field"] == "festivals" and "春节" in error["message"]
    assert "国庆节" in error["message"] and "元旦" not in error["message"]
    loaded = ready.post("/api/window/holidays", json=SCHEDULE_2027, headers=admin)
    assert loaded.status_code == 201 and loaded.json()["recomputed"] == 0
    covered = ready.get("/api/window/due", params={"received": "2027-01-25", "limit": 20})
    # The loaded break runs 02-05..02-12 and Saturday 02-20 is worked (law alone: 02-26).
    assert covered.json()["due_date"] == "2027-03-01" and covered.json()["provisional"] is False
    assert [h["year"] for h in ready.get("/api/window/holidays", headers=clerk).json()] == [2027]


def test_catalogue_and_openapi(ready: AppClient) -> None:
    matters = ready.get("/api/window/matters", params={"member": "SC"}).json()
    assert {m["code"][:2] for m in matters} == {"SC"} and len(matters) == 8
    one = ready.get("/api/window/matters/SC-GA-001").json()
    assert one["total_fee"] == "20.00" and one["mode_label"] == "代收代办"
    assert (
        ready.post("/api/window/catalogue", headers=ready.login_as("window_clerk")).status_code
        == 403
    )
    paths = ready.get("/openapi.json").json()["paths"]
    assert "/api/window/cases" in paths and "/api/window/cases/{case_number}/{action}" in paths
