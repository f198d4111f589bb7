"""`Idempotency-Key` on creating API requests, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from chuanyu.core import clock
from chuanyu.core.models import IdempotentRequest
from chuanyu.main import create_app
from chuanyu.window.models import Case
from tests.conftest import AppClient, Db
from tests.integration.window.window_helpers import APPLICANT_ID, PDF, load_both_catalogues

ENTRY: dict[str, Any] = {
    "kind": "agreement",
    "title": "潼南区与遂宁市签署补充协议",
    "date": "2020-06",
    "parties": ["500152", "510900"],
    "metrics": {"items": 12},
    "tags": ["遂潼"],
}


@pytest.fixture
def api(db: Db) -> Iterator[AppClient]:
    # Not entered as a context manager: the app's shutdown would close the shared test node.
    client = AppClient(create_app(db.node.settings, node=db.node))
    client.node = db.node
    yield client


def entries(client: AppClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    page = client.get("/api/ledger/entries", params={"limit": 200}, headers=headers)
    assert page.status_code == 200, page.text
    items: list[dict[str, Any]] = page.json()["items"]
    return items


def post_entry(client: AppClient, headers: dict[str, str], body: dict[str, Any],
               key: str | None = None) -> Any:
    extra = {"Idempotency-Key": key} if key is not None else {}
    return client.post("/api/ledger/entries", json=body, headers={**headers, **extra})


def test_retry_with_the_same_key_replays_the_stored_response(api: AppClient) -> None:
    office = api.login_as("joint_office")
    first = post_entry(api, office, ENTRY, "entry-1")
    # Same content, keys in another order: still the same request.
    again = post_entry(api, office, dict(reversed(list(ENTRY.items()))), "entry-1")
    assert first.status_code == again.status_code == 201, again.text
    assert again.content == first.content
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert again.headers["content-type"].startswith("application/json")
    assert [e["id"] for e in entries(api, office)] == [first.json()["id"]]


def test_same_key_with_another_body_is_refused_in_chinese(api: AppClient) -> None:
    office = api.login_as("joint_office")
    assert post_entry(api, office, ENTRY, "entry-2").status_code == 201
    other = post_entry(api, office, {**ENTRY, "title": "另一份协议"}, "entry-2")
    assert other.status_code == 422
    problem = other.json()
    assert problem["code"] == "invalid_idempotency_key"
    assert problem["errors"][0]["field"] == "Idempotency-Key"
    assert "另一请求" in problem["detail"]
    assert len(entries(api, office)) == 1


def test_without_a_key_every_post_creates(api: AppClient) -> None:
    office = api.login_as("joint_office")
    assert post_entry(api, office, ENTRY).status_code == 201
    assert post_entry(api, office, ENTRY).status_code == 201
    assert len(entries(api, office)) == 2


def test_keys_belong_to_their_user(api: AppClient) -> None:
    one, other = api.login_as("joint_office"), api.login_as("joint_office")
    first = post_entry(api, one, ENTRY, "shared-key")
    second = post_entry(api, other, ENTRY, "shared-key")
    assert first.status_code == second.status_code == 201
    assert "idempotent-replayed" not in second.headers
    assert first.json()["id"] != second.json()["id"]


def test_malformed_key_is_refused(api: AppClient) -> None:
    office = api.login_as("joint_office")
    for key in ("has a space", "x" * 256, ""):
        response = post_entry(api, office, ENTRY, key)
        assert response.status_code == 422, key
        assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert entries(api, office) == []


def test_a_key_expires_after_a_day(api: AppClient) -> None:
    office = api.login_as("joint_office")
    start = clock.now()
    with clock.freeze(start):
        assert post_entry(api, office, ENTRY, "daily").status_code == 201
    with clock.freeze(start + timedelta(hours=23)):
        assert post_entry(api, office, ENTRY, "daily").headers["idempotent-replayed"] == "true"
    with clock.freeze(start + timedelta(hours=25)):
        fresh = post_entry(api, office, {**ENTRY, "title": "次日的新协议"}, "daily")
    assert fresh.status_code == 201 and "idempotent-replayed" not in fresh.headers
    assert len(entries(api, office)) == 2


def test_a_refused_request_leaves_the_key_free(api: AppClient) -> None:
    office = api.login_as("joint_office")
    bad = post_entry(api, office, {**ENTRY, "kind": "agreement", "parties": ["999999"]}, "k-3")
    assert bad.status_code == 422
    with api.node.sessions() as session:
        assert session.scalar(select(func.count()).select_from(IdempotentRequest)) == 0


def test_concurrent_duplicates_create_one_record(api: AppClient) -> None:
    office = api.login_as("joint_office")
    answers: list[Any] = []
    start = threading.Barrier(4)

    def send() -> None:
        start.wait()
        answers.append(post_entry(api, office, ENTRY, "race"))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(a.status_code for a in answers)
    assert statuses[0] == 201 and set(statuses) <= {201, 409}, [a.text for a in answers]
    assert len({a.content for a in answers if a.status_code == 201}) == 1
    assert all(a.json()["code"] == "idempotency_in_progress"
               for a in answers if a.status_code == 409)
    assert len(entries(api, office)) == 1


def test_window_intake_retry_with_a_new_multipart_boundary_is_replayed(api: AppClient) -> None:
    with api.node.sessions() as session:
        load_both_catalogues(session, api.node)
        session.commit()
    clerk = api.login_as("window_clerk")
    case = {"matter_code": "SC-RS-001", "authority_member": "SC",
            "applicant": {"name": "王小川", "id_number": APPLICANT_ID, "phone": "13800000000"},
            "materials": [{"code": "id_card", "original_sighted": True}]}
    files = {f"file.{code}": (f"{code}.pdf", PDF, "application/pdf")
             for code in ("id_card", "application_form")}

    def intake(content: bytes = PDF) -> Any:
        sent = {name: (f[0], content, f[2]) for name, f in files.items()}
        return api.post("/api/window/cases", data={"case": json.dumps(case, ensure_ascii=False)},
                        files=sent, headers={**clerk, "Idempotency-Key": "intake-1"})

    first, again = intake(), intake()
    assert first.status_code == again.status_code == 201, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["case_number"] == first.json()["case_number"]
    assert intake(PDF + b"changed").status_code == 422
    with api.node.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 1
