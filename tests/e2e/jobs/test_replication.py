"""Two live nodes: postings published on CQ become searchable on SC, and follow changes."""

from __future__ import annotations

import httpx

USCC = "91500112MA5U7AJ18W"
BODY = {
    "employer_uscc": USCC, "employer_name": "重庆测试机械有限公司", "title": "氩弧焊工",
    "occupation_code": "6", "industry_code": "C", "division_code": "500103",
    "salary_min": "6000", "salary_max": "9000", "description": "负责焊接作业",
    "contact_name": "王先生", "contact_phone": "13800000000",
}  # fmt: skip


def _sc_ids(live_nodes, q: str) -> set[str]:  # type: ignore[no-untyped-def]
    r = httpx.get(
        f"{live_nodes.sc.url}/api/jobs/search", params={"q": q, "facets": False}, timeout=30
    )
    return {h["id"] for h in r.json()["hits"]}


def test_create_update_close_replicate_to_the_other_region(live_nodes) -> None:  # type: ignore[no-untyped-def]
    headers = live_nodes.cq.headers("hr_officer")
    r = httpx.post(f"{live_nodes.cq.url}/api/jobs/postings", json=BODY, headers=headers, timeout=30)
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    assert live_nodes.wait_until(lambda: pid in _sc_ids(live_nodes, "焊工"), timeout=20)
    r = httpx.get(f"{live_nodes.sc.url}/api/jobs/postings/{pid}")
    assert r.json()["origin"] == "CQ"
    r = httpx.put(f"{live_nodes.cq.url}/api/jobs/postings/{pid}",
                  json={**BODY, "title": "仓管员"}, headers=headers)  # fmt: skip
    assert r.status_code == 200, r.text
    assert live_nodes.wait_until(lambda: pid in _sc_ids(live_nodes, "仓管"), timeout=20)
    assert pid not in _sc_ids(live_nodes, "焊工")
    sc_officer = live_nodes.sc.headers("hr_officer")
    r = httpx.post(f"{live_nodes.sc.url}/api/jobs/postings/{pid}/close", headers=sc_officer)
    assert r.status_code == 403
    r = httpx.post(f"{live_nodes.cq.url}/api/jobs/postings/{pid}/close", headers=headers)
    assert r.status_code == 200
    assert live_nodes.wait_until(lambda: pid not in _sc_ids(live_nodes, "仓管"), timeout=20)


def test_bad_posting_gets_field_errors(live_nodes) -> None:  # type: ignore[no-untyped-def]
    headers = live_nodes.cq.headers("hr_officer")
    bad = {**BODY, "salary_min": "9000", "salary_max": "100"}
    r = httpx.post(f"{live_nodes.cq.url}/api/jobs/postings", json=bad, headers=headers)
    assert r.status_code == 422
    assert "salary_max" in {e["field"].split(".")[-1] for e in r.json()["errors"]}
