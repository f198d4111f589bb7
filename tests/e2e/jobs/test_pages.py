"""The public search page and posting page render on a node."""

from __future__ import annotations

USCC = "91500112MA5U7AJ18W"
BODY = {
    "employer_uscc": USCC, "employer_name": "重庆页面测试有限公司", "title": "仓管员",
    "occupation_code": "4", "industry_code": "G", "division_code": "500103",
    "salary_min": "4500", "salary_max": "7000", "description": "负责货物收发",
    "contact_name": "李女士", "contact_phone": "13900000000",
}  # fmt: skip


def test_search_page_shows_region_badge_and_posting_page(client) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/api/jobs/postings", json=BODY, headers=client.login_as("hr_officer"))
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    page = client.get("/jobs/postings/" + pid)
    assert page.status_code == 200 and "仓管员" in page.text
    listing = client.get("/jobs/", params={"q": "仓管"})
    assert listing.status_code == 200
