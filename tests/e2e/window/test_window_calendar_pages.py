"""Pages and API past the package's years: provisional marks, recount on load, warnings, 补正."""

from __future__ import annotations

import json
from datetime import date

from chuanyu.core import clock
from chuanyu.core.db import write_scope
from tests.conftest import AppClient
from tests.integration.window.window_helpers import (
    APPLICANT_ID,
    PDF,
    SCHEDULE_2027,
    at,
    load_both_catalogues,
)

GA_MATERIALS = ("household_register", "photo_receipt")  # CQ-GA-001: 20 working days


def _ready(client: AppClient) -> None:
    with write_scope(client.node) as session:
        load_both_catalogues(session, client.node)


def _receive(client: AppClient, headers: dict[str, str]) -> str:
    case = {
        "matter_code": "CQ-GA-001",
        "applicant": {"name": "王小川", "id_number": APPLICANT_ID},
        "materials": [{"code": code, "original_sighted": True} for code in GA_MATERIALS],
    }
    files = {f"file.{code}": (f"{code}.pdf", PDF, "application/pdf") for code in GA_MATERIALS}
    response = client.post(
        "/api/window/cases",
        headers=headers,
        data={"case": json.dumps(case, ensure_ascii=False)},
        files=files,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["case_number"])


def test_provisional_due_date_is_marked_then_recounted_when_the_year_is_loaded(
    client: AppClient,
) -> None:
    _ready(client)
    with clock.freeze(at(date(2026, 12, 4))):
        clerk = client.login_as("window_clerk")
        number = _receive(client, clerk)
        case = client.get(f"/api/window/cases/{number}", headers=clerk).json()
        assert case["due_date"] == "2027-01-04" and case["due_provisional"] is True
        queue = client.get("/api/window/cases", headers=clerk).json()
        assert [c["due_provisional"] for c in queue["items"]] == [True]
        client.page_login("window_clerk")
        for path in (f"/window/cases/{number}", f"/window/cases/{number}/receipt", "/window/desk"):
            page = client.get(path)
            assert page.status_code == 200 and 'data-provisional="true"' in page.text, path
        assert "暂定" in client.get(f"/window/cases/{number}").text
        tracked = client.post(
            "/window/track", data={"case_number": number, "id_number": APPLICANT_ID}
        )
        assert 'data-provisional="true"' in tracked.text

    with clock.freeze(at(date(2026, 12, 10))):
        admin = client.login_as("admin")
        loaded = client.post("/api/window/holidays", json=SCHEDULE_2027, headers=admin)
        assert loaded.status_code == 201 and loaded.json()["recomputed"] == 1
        case = client.get(f"/api/window/cases/{number}", headers=clerk).json()
        assert case["due_date"] == "2027-01-04" and case["due_provisional"] is False
        (change,) = case["due_changes"]
        assert change["old_provisional"] is True and change["new_provisional"] is False
        client.page_login("window_clerk")  # the page session of 12-04 has lapsed
        page = client.get(f"/window/cases/{number}")
    assert 'data-provisional="true"' not in page.text
    assert 'data-action="due_recomputed"' in page.text and "2027 年节假日安排" in page.text


def _warned(client: AppClient, path: str) -> bool:
    page = client.get(path)
    assert page.status_code == 200 and 'action="/login"' not in page.text, path
    return 'id="calendar-warning"' in page.text


def test_status_page_and_queues_warn_from_1_november(client: AppClient) -> None:
    _ready(client)
    with clock.freeze(at(date(2026, 10, 31))):
        client.page_login("admin")
        assert not _warned(client, "/status")
        assert not _warned(client, "/window/desk")
    with clock.freeze(at(date(2026, 11, 1))):
        client.page_login("admin")
        assert _warned(client, "/status")
        assert "2027 年国务院节假日安排尚未载入" in client.get("/status").text
        for path in ("/window/desk", "/window/officer", "/window/escalations"):
            assert _warned(client, path), path
        admin = client.login_as("admin")
        assert client.post("/api/window/holidays", json=SCHEDULE_2027, headers=admin).is_success
        assert not _warned(client, "/status")
        assert not _warned(client, "/window/desk")


def test_second_supplement_request_on_the_case_page_needs_a_reason(client: AppClient) -> None:
    _ready(client)
    with clock.freeze(at(date(2026, 9, 1))):
        client.page_login("window_clerk")  # CQ's back office decides CQ-GA-001 under this role
        number = _receive(client, client.login_as("window_clerk"))
        path = f"/window/cases/{number}"
        first = client.post(
            f"{path}/request_supplement",
            data={"note": "相片回执模糊", "materials": ["photo_receipt"]},
            follow_redirects=False,
        )
        assert first.status_code == 303
        assert 'name="repeat_reason"' not in client.get(path).text
        supplied = client.post(
            f"{path}/supply",
            data={"note": "已重新采集"},
            files={"file.photo_receipt": ("photo.pdf", PDF + b"retaken", "application/pdf")},
            follow_redirects=False,
        )
        assert supplied.status_code == 303
        assert 'name="repeat_reason"' in client.get(path).text
        again = {"note": "相片仍不合格", "materials": ["photo_receipt"]}
        refused = client.post(f"{path}/request_supplement", data=again, follow_redirects=False)
        assert refused.status_code == 422 and 'data-field="repeat_reason"' in refused.text
        assert "一次性告知" in refused.text
        reason = "补交的相片回执系他人照片，须重新采集"
        accepted = client.post(
            f"{path}/request_supplement",
            data={**again, "repeat_reason": reason},
            follow_redirects=False,
        )
        assert accepted.status_code == 303
        page = client.get(path)
    assert f"再次补正理由：{reason}" in page.text
