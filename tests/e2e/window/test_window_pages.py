"""The window's pages on one node: intake form to receipt, case actions, tracking, access."""

from __future__ import annotations

import re

from chuanyu.core.db import write_scope
from chuanyu.registry.demo import sample_application
from tests.conftest import AppClient
from tests.integration.window.window_helpers import (
    APPLICANT_ID,
    PDF,
    load_both_catalogues,
    resident_id,
)


def _ready(client: AppClient) -> None:
    with write_scope(client.node) as session:
        load_both_catalogues(session, client.node)


def _submit(client: AppClient, matter: str, materials: tuple[str, ...], **fields: str):  # type: ignore[no-untyped-def]
    data = {
        "matter_code": matter,
        "applicant_name": "王小川",
        "id_number": APPLICANT_ID,
        **{f"sighted.{m}": "yes" for m in materials},
        **fields,
    }
    files = {f"file.{m}": (f"{m}.pdf", PDF, "application/pdf") for m in materials}
    return client.post("/window/new", data=data, files=files, follow_redirects=False)


def test_clerk_registers_at_the_desk_and_prints_the_receipt(client: AppClient) -> None:
    _ready(client)
    client.page_login("window_clerk")
    form = client.get("/window/new?matter=SC-SCJG-001")
    assert form.status_code == 200 and 'name="app.name"' in form.text
    assert 'name="file.domicile_proof"' in form.text and "510107" in form.text

    bad = _submit(
        client, "SC-RS-001", ("id_card", "application_form"), id_number="500106199803071230"
    )
    assert bad.status_code == 422
    assert 'data-field="applicant.id_number"' in bad.text

    done = _submit(client, "SC-RS-001", ("id_card", "application_form"))
    assert done.status_code == 303
    receipt = client.get(done.headers["location"])
    number = re.search(r"CQ-\d{8}-\d{6}", receipt.text)
    assert receipt.status_code == 200 and number and "受 理 回 执" in receipt.text
    desk = client.get("/window/desk")
    assert desk.status_code == 200 and number.group(0) in desk.text
    assert "剩余 5 个工作日" in desk.text
    assert client.get("/window/officer").status_code == 200  # SC decides it: not listed here
    assert number.group(0) not in client.get("/window/officer").text
    home = client.get("/window/")
    assert home.status_code == 200 and "/window/desk" in home.text


def test_business_registration_from_the_form(client: AppClient) -> None:
    _ready(client)
    client.page_login("window_clerk")
    app = sample_application("SC", name="成都页面联调科技有限公司", seed=5)
    fields = {
        "app.name": app.name,
        "app.enterprise_type": app.enterprise_type.value,
        "app.registered_capital": str(app.registered_capital),
        "app.rep_name": app.legal_representative.name,
        "app.rep_id": app.legal_representative.id_number,
        "app.division_code": app.domicile.division_code,
        "app.address": app.domicile.address,
        "app.business_scope": app.business_scope,
    }
    for i, investor in enumerate(app.investors):
        fields[f"app.inv{i}.name"] = investor.name
        fields[f"app.inv{i}.id_number"] = investor.id_number
        fields[f"app.inv{i}.subscribed_amount"] = str(investor.subscribed_amount)
    materials = (
        "application_form",
        "articles",
        "investor_id",
        "officer_appointment",
        "domicile_proof",
    )
    wrong = _submit(client, "SC-SCJG-001", materials, **{**fields, "app.registered_capital": "-5"})
    assert wrong.status_code == 422 and 'data-field="application.registered_capital"' in wrong.text
    done = _submit(client, "SC-SCJG-001", materials, **fields)
    assert done.status_code == 303, done.text
    page = client.get(done.headers["location"].removesuffix("/receipt"))
    assert "企业设立登记申请" in page.text and app.name in page.text
    assert "窗口工作人员" in page.text  # the timeline names the role in words


def test_case_page_actions_and_errors(client: AppClient) -> None:
    _ready(client)
    client.page_login("window_clerk")  # CQ's back office decides CQ-RS-001 under this role
    done = _submit(client, "CQ-RS-001", ("id_card", "application_form"))
    number = done.headers["location"].split("/")[3]
    page = client.get(f"/window/cases/{number}")
    assert 'data-action="accept"' in page.text and 'data-action="request_supplement"' in page.text
    refused = client.post(
        f"/window/cases/{number}/request_supplement", data={"note": ""}, follow_redirects=False
    )
    assert refused.status_code == 422 and 'data-field="note"' in refused.text
    asked = client.post(
        f"/window/cases/{number}/request_supplement",
        data={"note": "申请表未签字", "materials": ["application_form"]},
        follow_redirects=False,
    )
    assert asked.status_code == 303
    page = client.get(f"/window/cases/{number}")
    assert "待补正" in page.text and "计时暂停" in page.text and "申请表未签字" in page.text
    wrong = client.post(f"/window/cases/{number}/approve", data={}, follow_redirects=False)
    assert wrong.status_code == 422 and "不能准予办理" in wrong.text

    tracked = client.post("/window/track", data={"case_number": number, "id_number": APPLICANT_ID})
    assert tracked.status_code == 200 and "一次性告知补正" in tracked.text
    assert APPLICANT_ID not in tracked.text and APPLICANT_ID[-4:] in tracked.text
    missing = client.post(
        "/window/track", data={"case_number": number, "id_number": resident_id("51010719900307123")}
    )
    assert missing.status_code == 404


def test_pages_by_role(client: AppClient) -> None:
    _ready(client)
    assert client.get("/window/catalogue").status_code == 200
    assert "SC-SCJG-001" in client.get("/window/catalogue").text
    assert client.get("/window/desk", follow_redirects=False).status_code == 303  # to login
    client.page_login("citizen")
    assert client.get("/window/desk").status_code == 403
    assert client.get("/window/officer").status_code == 403
    client.page_login("joint_office")
    assert client.get("/window/escalations").status_code == 200
