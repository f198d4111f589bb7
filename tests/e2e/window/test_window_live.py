"""The full cross-region flow on two live nodes, over loopback HTTP and the real exchange.

CQ's window receives a business registration for SC → SC asks for a supplement → the applicant
supplies at CQ → SC approves and issues the licence → CQ verifies the licence and delivers it.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from chuanyu.registry.demo import sample_application
from tests.integration.window.window_helpers import APPLICANT_ID, PDF
from tests.support.nodes import LiveFederation

MATERIALS = ("application_form", "articles", "investor_id", "officer_appointment", "domicile_proof")
NAME = "成都两江天府联调科技有限公司"


def get_case(fed: LiveFederation, member: str, role: str, number: str) -> dict[str, Any] | None:
    node = fed[member]
    response = httpx.get(f"{node.url}/api/window/cases/{number}", headers=node.headers(role))
    return response.json() if response.status_code == 200 else None


def status_is(fed: LiveFederation, member: str, role: str, number: str, status: str) -> Any:
    case = get_case(fed, member, role, number)
    return case if case and case["status"] == status else None


def test_business_registration_across_regions(live_nodes: LiveFederation) -> None:
    fed = live_nodes
    cq, sc = fed.cq, fed.sc
    for node in (cq, sc):
        loaded = httpx.post(f"{node.url}/api/window/catalogue", headers=node.headers("admin"))
        assert loaded.status_code == 200, loaded.text
    fed.wait_until(
        lambda: len(httpx.get(f"{cq.url}/api/window/matters?member=SC").json()) == 8,
        timeout=30,
        message="SC catalogue at CQ",
    )

    application = sample_application("SC", name=NAME, seed=3).model_dump(mode="json")
    case = {
        "matter_code": "SC-SCJG-001",
        "authority_member": "SC",
        "applicant": {"name": "王小川", "id_number": APPLICANT_ID},
        "materials": [{"code": c, "original_sighted": True} for c in MATERIALS],
        "application": application,
    }
    files = {f"file.{c}": (f"{c}.pdf", PDF + c.encode(), "application/pdf") for c in MATERIALS}
    clerk = cq.headers("window_clerk")
    receipt = httpx.post(
        f"{cq.url}/api/window/cases",
        headers=clerk,
        files=files,
        data={"case": json.dumps(case, ensure_ascii=False)},
        timeout=30,
    )
    assert receipt.status_code == 201, receipt.text
    number = receipt.json()["case_number"]
    assert number.startswith("CQ-")
    assert receipt.json()["events"][0]["data"] == {"name_check": "passed"}

    there = fed.wait_until(
        lambda: get_case(fed, "SC", "registrar", number), timeout=30, message="case at SC"
    )
    assert there["status"] == "received" and there["due_date"] == receipt.json()["due_date"]
    # SC reads a material: the bytes come from CQ's window and are checked against the digest.
    file = next(
        f for m in there["materials"] for f in m["files"] if f["material_code"] == "articles"
    )
    assert not file["stored_here"]
    fetched = httpx.get(
        f"{sc.url}/api/window/cases/{number}/files/{file['id']}",
        headers=sc.headers("registrar"),
        timeout=30,
    )
    assert fetched.status_code == 200 and fetched.content == PDF + b"articles"

    asked = httpx.post(
        f"{sc.url}/api/window/cases/{number}/request_supplement",
        headers=sc.headers("registrar"),
        json={"note": "住所使用证明页面不全", "materials": ["domicile_proof"]},
    )
    assert asked.status_code == 200, asked.text
    fed.wait_until(
        lambda: status_is(fed, "CQ", "window_clerk", number, "supplement_requested"),
        timeout=30,
        message="supplement request at CQ",
    )

    applicant = cq.headers("citizen", subject_id=APPLICANT_ID)
    supplied = httpx.post(
        f"{cq.url}/api/window/cases/{number}/supply",
        headers=applicant,
        data={"note": "已补交完整的租赁协议"},
        files={"file.domicile_proof": ("lease.pdf", PDF + b"full", "application/pdf")},
    )
    assert supplied.status_code == 200, supplied.text
    fed.wait_until(
        lambda: status_is(fed, "SC", "registrar", number, "accepted"),
        timeout=30,
        message="supply at SC",
    )

    approved = httpx.post(
        f"{sc.url}/api/window/cases/{number}/approve",
        headers=sc.headers("registrar"),
        json={"note": "准予设立登记"},
    )
    assert approved.status_code == 200, approved.text
    code = approved.json()["result"]["uscc"]
    here = fed.wait_until(
        lambda: status_is(fed, "CQ", "window_clerk", number, "approved"),
        timeout=30,
        message="decision at CQ",
    )
    assert here["result"]["uscc"] == code

    verified = httpx.post(f"{cq.url}/api/registry/verify", json={"uscc": code}, timeout=30)
    assert verified.status_code == 200, verified.text
    assert verified.json()["outcome"] == "valid" and verified.json()["issuer_member"] == "SC"

    delivered = httpx.post(f"{cq.url}/api/window/cases/{number}/deliver", headers=clerk, json={})
    assert delivered.status_code == 200, delivered.text
    final = fed.wait_until(
        lambda: status_is(fed, "SC", "registrar", number, "delivered"),
        timeout=30,
        message="delivery at SC",
    )
    mine = get_case(fed, "CQ", "window_clerk", number)
    assert mine is not None
    assert [(e["seq"], e["action"], e["actor"], e["at"]) for e in mine["events"]] == [
        (e["seq"], e["action"], e["actor"], e["at"]) for e in final["events"]
    ]
    assert [e["action"] for e in final["events"]] == [
        "receive",
        "request_supplement",
        "supply",
        "approve",
        "deliver",
    ]

    # The same name again: SC's registry refuses it at CQ's window, naming the holder.
    again = httpx.post(
        f"{cq.url}/api/window/cases",
        headers=clerk,
        files=files,
        data={"case": json.dumps(case, ensure_ascii=False)},
        timeout=30,
    )
    assert again.status_code == 409, again.text
    assert code in again.json()["detail"]
