"""The ledger API and pages on one node: roles, reports, import, forms."""

from __future__ import annotations

import csv
import io
from typing import Any

from chuanyu.ledger.sheets import HEADERS
from tests.conftest import AppClient

ENTRY: dict[str, Any] = {
    "kind": "agreement",
    "title": "潼南区与遂宁市签署补充协议",
    "date": "2020-06",
    "parties": ["500152", "510900"],
    "metrics": {"items": 12},
    "tags": ["遂潼"],
}


def test_joint_office_writes_and_every_signed_in_user_reads(client: AppClient) -> None:
    office = client.login_as("joint_office")
    citizen = client.login_as("citizen")
    assert client.post("/api/ledger/entries", json=ENTRY).status_code == 401
    assert client.post("/api/ledger/entries", json=ENTRY, headers=citizen).status_code == 403
    created = client.post("/api/ledger/entries", json=ENTRY, headers=office)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["owner"] == "CQ" and body["id"].startswith("cq-")
    listed = client.get("/api/ledger/entries", params={"tag": "遂潼"}, headers=citizen).json()
    assert [e["id"] for e in listed["items"]] == [body["id"]]
    update = {**ENTRY, "title": "潼南区与遂宁市签署补充协议（修订）"}
    changed = client.put(f"/api/ledger/entries/{body['id']}", json=update, headers=office)
    assert changed.json()["version"] == 2
    assert client.delete(f"/api/ledger/entries/{body['id']}", headers=office).status_code == 204
    assert client.get(f"/api/ledger/entries/{body['id']}", headers=citizen).status_code == 404


def test_bad_entry_is_422_with_field_messages(client: AppClient) -> None:
    office = client.login_as("joint_office")
    bad = {**ENTRY, "parties": ["999999"], "date": "2020-5-6"}
    response = client.post("/api/ledger/entries", json=bad, headers=office)
    assert response.status_code == 422
    text = response.text
    assert "999999" in text and "日期格式" in text


def test_report_in_every_format(client: AppClient) -> None:
    office = client.login_as("joint_office")
    for row in _seed_rows()[:3]:
        client.post("/api/ledger/entries", json=row, headers=office)
    params = {"as_of": "2020-07-08"}
    data = client.get("/api/ledger/report", params={**params, "format": "json"}, headers=office)
    assert data.json()["as_of"] == "2020-07-08"
    html = client.get("/api/ledger/report", params={**params, "format": "html"}, headers=office)
    assert html.headers["content-type"].startswith("text/html") and "<svg" in html.text
    md = client.get("/api/ledger/report", params={**params, "format": "md"}, headers=office)
    assert md.text.startswith("# 推动成渝地区双城经济圈建设的")
    xlsx = client.get("/api/ledger/report", params={**params, "format": "xlsx"}, headers=office)
    assert xlsx.content[:2] == b"PK"
    bad = client.get("/api/ledger/report", params={"format": "doc"}, headers=office)
    assert bad.status_code == 422


def _seed_rows() -> list[dict[str, Any]]:
    from chuanyu.ledger.dataset import seed_dataset

    return [e.model_dump(mode="json") for e in seed_dataset().entries]


def _csv(rows: list[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=HEADERS)
    writer.writeheader()
    for row in rows:
        writer.writerow({h: row.get(h, "") for h in HEADERS})
    return buf.getvalue().encode("utf-8")


def test_import_with_one_bad_row_imports_nothing(client: AppClient) -> None:
    office = client.login_as("joint_office")
    good = {
        "类型": "meeting",
        "标题": "两地发展改革委第二次主任调度会",
        "参与方代码": "cq-drc、sc-drc",
        "会议类型": "dispatch",
    }
    bad = {**good, "标题": "第三次主任调度会", "参与方代码": "cq-drc、nobody"}
    files = {"file": ("ledger.csv", _csv([good, bad, good]), "text/csv")}
    response = client.post("/api/ledger/import", files=files, headers=office)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["row 3: 参与方代码"]
    assert "nobody" in errors[0]["message"]
    listed = client.get("/api/ledger/entries", headers=office).json()
    assert listed["total"] == 0
    files = {"file": ("ledger.csv", _csv([good]), "text/csv")}
    assert client.post("/api/ledger/import", files=files, headers=office).json() == {"imported": 1}


def test_template_and_export_download(client: AppClient) -> None:
    office = client.login_as("joint_office")
    assert client.get("/api/ledger/template.xlsx", headers=office).content[:2] == b"PK"
    assert client.get("/api/ledger/export.xlsx", headers=office).content[:2] == b"PK"


def test_pages_dashboard_list_and_form(client: AppClient) -> None:
    client.page_login("joint_office")
    dashboard = client.get("/ledger/", params={"as_of": "2020-07-08"})
    assert dashboard.status_code == 200 and "个第一次" in dashboard.text
    bad = client.post(
        "/ledger/entries/new",
        data={"kind": "agreement", "title": "测试协议", "parties": "500152、000000"},
    )
    assert bad.status_code == 422 and "000000" in bad.text
    good = client.post(
        "/ledger/entries/new",
        data={
            "kind": "agreement",
            "title": "测试协议",
            "parties": "500152、510900",
            "date": "2020-06-01",
            "tags": "遂潼",
        },
        follow_redirects=False,
    )
    assert good.status_code == 303
    page = client.get(good.headers["location"])
    assert "测试协议" in page.text
    listed = client.get("/ledger/entries", params={"tag": "遂潼", "region": "SC"})
    assert "测试协议" in listed.text
    edit = client.get(good.headers["location"] + "/edit")
    assert 'value="测试协议"' in edit.text
