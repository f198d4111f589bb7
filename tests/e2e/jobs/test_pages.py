"""The public search page and posting page render on a node."""

from __future__ import annotations

from tests.support.nodes import wait_until

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


FORM = {
    "employer_uscc": USCC, "employer_name": "重庆页面测试有限公司", "title": "叉车司机",
    "occupation_code": "6", "industry_code": "G", "division_code": "500103",
    "salary_min": "5000", "salary_max": "7000", "education": "any", "experience": "any",
    "employment_type": "full_time", "headcount": "2", "benefits": "五险一金、包吃住",
    "description": "负责仓库叉车作业", "contact_name": "李女士", "contact_phone": "13900000000",
}  # fmt: skip


def test_officer_posts_edits_and_closes_through_the_pages(client) -> None:  # type: ignore[no-untyped-def]
    assert 'href="/jobs/manage"' in client.get("/jobs/").text
    client.page_login("hr_officer")
    assert client.get("/jobs/manage/new").status_code == 200
    bad = {**FORM, "title": " ", "salary_min": "9000", "salary_max": "100",
           "employer_uscc": "91500112MA5U7AJ18X", "division_code": "510104"}  # fmt: skip
    r = client.post("/jobs/manage/new", data=bad)
    assert r.status_code == 422
    for field in ("title", "salary_max", "employer_uscc"):
        assert f'data-field="{field}"' in r.text
    assert "月薪下限不能高于上限" in r.text
    r = client.post("/jobs/manage/new", data={**FORM, "division_code": "510104"})
    assert r.status_code == 422 and 'data-field="division_code"' in r.text
    r = client.post("/jobs/manage/new", data=FORM, follow_redirects=False)
    assert r.status_code == 303, r.text
    pid = r.headers["location"].rsplit("/", 1)[-1]
    assert "叉车司机" in client.get("/jobs/manage").text
    edit = client.get(f"/jobs/manage/{pid}/edit")
    assert edit.status_code == 200 and "负责仓库叉车作业" in edit.text
    r = client.post(f"/jobs/manage/{pid}/edit", data={**FORM, "salary_max": "abc"})
    assert r.status_code == 422 and 'data-field="salary_max"' in r.text
    r = client.post(f"/jobs/manage/{pid}/edit", data={**FORM, "title": "仓库叉车司机"},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    assert "仓库叉车司机" in client.get(f"/jobs/postings/{pid}").text
    r = client.post(f"/jobs/manage/{pid}/close", follow_redirects=False)
    assert r.status_code == 303
    assert "已关闭" in client.get("/jobs/manage").text
    assert client.get(f"/jobs/manage/{pid}/edit").status_code == 409


def test_employer_manages_only_its_own_positions(client) -> None:  # type: ignore[no-untyped-def]
    officer = client.login_as("hr_officer")
    other = {**BODY, "employer_uscc": "91500000MA5U3UPC4J", "employer_name": "别家有限公司"}
    r = client.post("/api/jobs/postings", json=other, headers=officer)
    assert r.status_code == 201, r.text
    theirs = r.json()["id"]
    client.page_login("employer", subject_id=USCC)
    r = client.post("/jobs/manage/new", data={**FORM, "employer_uscc": "91500000MA5U3UPC4J"},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303  # the form's code is replaced by the employer's own
    mine = r.headers["location"].rsplit("/", 1)[-1]
    listing = client.get("/jobs/manage").text
    assert f"/jobs/postings/{mine}" in listing and theirs not in listing
    assert client.get(f"/jobs/manage/{theirs}/edit").status_code == 403
    assert client.post(f"/jobs/manage/{theirs}/close").status_code == 403


def test_admin_rebuilds_the_index_while_the_node_serves(client) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/api/jobs/postings", json=BODY, headers=client.login_as("hr_officer"))
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    officer = client.login_as("hr_officer")
    assert client.post("/api/jobs/index/rebuild", headers=officer).status_code == 403
    admin = client.login_as("admin")
    started = client.post("/api/jobs/index/rebuild", headers=admin)
    assert started.status_code == 202, started.text

    def finished() -> dict | None:  # type: ignore[type-arg]
        status = client.get("/api/jobs/index", headers=admin).json()
        return None if status["rebuilding"] else status

    status = wait_until(finished, timeout=60, message="rebuild finished")
    assert status["rebuild_error"] is None
    assert status["rebuild_done"] == status["rebuild_total"] >= 1
    hits = client.get("/api/jobs/search", params={"q": "仓管员", "per_page": 100}).json()["hits"]
    assert pid in {h["id"] for h in hits}
