"""REST API and pages of business registration on one node (CQ, SQLite)."""

from __future__ import annotations

from typing import Any

from chuanyu.registry.demo import sample_application
from tests.conftest import AppClient


def application(name: str, seed: int = 1) -> dict[str, Any]:
    return sample_application("CQ", name=name, seed=seed).model_dump(mode="json")


def issue(client: AppClient, headers: dict[str, str], name: str) -> dict[str, Any]:
    response = client.post(
        "/api/registry/licences",
        json={"application": application(name), "case_number": None},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_registrar_issues_and_reads_a_licence_with_pdf(client: AppClient) -> None:
    registrar = client.login_as("registrar")
    lic = issue(client, registrar, "重庆两江接口科技有限公司")
    assert lic["issuer_member"] == "CQ" and lic["status"] == "active"
    assert lic["qr_payload"].startswith("CYL1|" + lic["uscc"] + "|CQ|")
    got = client.get(f"/api/registry/licences/{lic['uscc']}", headers=registrar).json()
    assert got["digest"] == lic["digest"]
    pdf = client.get(f"/api/registry/licences/{lic['uscc']}/pdf", headers=registrar)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 10_000
    listing = client.get("/api/registry/licences?q=接口", headers=registrar).json()
    assert listing["total"] == 1 and listing["items"][0]["uscc"] == lic["uscc"]


def test_bad_application_is_422_with_fields_and_nothing_stored(client: AppClient) -> None:
    registrar = client.login_as("registrar")
    bad = application("重庆两江坏输入科技有限公司")
    bad["registered_capital"] = "1.001"
    bad["legal_representative"]["id_number"] = "500112199001011230"
    bad["domicile"]["division_code"] = "999999"
    response = client.post("/api/registry/licences", json={"application": bad}, headers=registrar)
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {
        "application.registered_capital",
        "application.legal_representative.id_number",
        "application.domicile.division_code",
    } <= fields
    assert client.get("/api/registry/licences", headers=registrar).json()["total"] == 0


def test_taken_name_is_409_and_name_check_reports_the_holder(client: AppClient) -> None:
    registrar = client.login_as("registrar")
    lic = issue(client, registrar, "重庆两江重名科技有限公司")
    again = client.post(
        "/api/registry/licences",
        json={"application": application("重庆两江重名科技有限公司", seed=2)},
        headers=registrar,
    )
    assert again.status_code == 409 and lic["uscc"] in again.json()["detail"]
    clerk = client.login_as("window_clerk")
    check = client.post(
        "/api/registry/name-check", json={"name": "重庆两江重名科技有限公司"}, headers=clerk
    ).json()
    assert check["available"] is False and check["holder_uscc"] == lic["uscc"]


def test_roles_guard_the_register_and_revocation(client: AppClient) -> None:
    registrar = client.login_as("registrar")
    lic = issue(client, registrar, "重庆两江权限科技有限公司")
    citizen = client.login_as("citizen")
    clerk = client.login_as("window_clerk")
    assert client.get("/api/registry/licences", headers=citizen).status_code == 403
    assert client.get("/api/registry/licences").status_code == 401
    body = {"application": application("重庆两江越权科技有限公司")}
    assert client.post("/api/registry/licences", json=body, headers=clerk).status_code == 403
    url = f"/api/registry/licences/{lic['uscc']}/revoke"
    assert client.post(url, json={"reason": "测试"}, headers=clerk).status_code == 403
    revoked = client.post(url, json={"reason": "提交虚假材料"}, headers=registrar)
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert client.post(url, json={"reason": "再次"}, headers=registrar).status_code == 409


def test_public_verification_needs_no_sign_in(client: AppClient) -> None:
    lic = issue(client, client.login_as("registrar"), "重庆两江公开核验科技有限公司")
    by_code = client.get("/api/registry/verify", params={"uscc": lic["uscc"]}).json()
    assert by_code["outcome"] == "valid" and by_code["facts"]["name"] == lic["name"]
    by_qr = client.post("/api/registry/verify", json={"payload": lic["qr_payload"]}).json()
    assert by_qr["outcome"] == "valid"
    bad = client.get("/api/registry/verify", params={"uscc": "91500000MA0000000X"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "uscc"
    assert client.get("/api/registry/verify").status_code == 422
    page = client.get("/registry/verify", params={"uscc": lic["uscc"]})
    assert page.status_code == 200 and 'data-outcome="valid"' in page.text
    assert lic["name"] in page.text


def test_licence_page_shows_the_printed_fields_and_revocation_form(client: AppClient) -> None:
    lic = issue(client, client.login_as("registrar"), "重庆两江页面科技有限公司")
    client.page_login("registrar")
    page = client.get(f"/registry/licences/{lic['uscc']}")
    assert page.status_code == 200
    for text in (lic["uscc"], lic["name"], "营 业 执 照", "壹佰万元整", lic["authority_name"]):
        assert text in page.text
    assert "data:image/svg+xml" in page.text
    done = client.post(
        f"/registry/licences/{lic['uscc']}/revoke",
        data={"reason": "依法吊销"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "已吊销" in client.get(f"/registry/licences/{lic['uscc']}").text
    register = client.get("/registry/", params={"status": "revoked"})
    assert lic["uscc"] in register.text
