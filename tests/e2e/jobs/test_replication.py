"""Two live nodes: postings published on CQ become searchable on SC, and follow changes."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from chuanyu.core import clock
from chuanyu.jobs import events, files, indexing
from chuanyu.jobs.generate import Generator
from chuanyu.jobs.models import Posting
from chuanyu.jobs.search.tantivy_index import TantivyIndex

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
    r = httpx.get(f"{live_nodes.sc.url}/api/jobs/postings/{pid}", timeout=30)
    assert r.json()["origin"] == "CQ"
    r = httpx.put(f"{live_nodes.cq.url}/api/jobs/postings/{pid}",
                  json={**BODY, "title": "仓管员"}, headers=headers, timeout=30)  # fmt: skip
    assert r.status_code == 200, r.text
    assert live_nodes.wait_until(lambda: pid in _sc_ids(live_nodes, "仓管"), timeout=20)
    assert pid not in _sc_ids(live_nodes, "焊工")
    sc_officer = live_nodes.sc.headers("hr_officer")
    r = httpx.post(f"{live_nodes.sc.url}/api/jobs/postings/{pid}/close", headers=sc_officer,
                   timeout=30)
    assert r.status_code == 403
    r = httpx.post(f"{live_nodes.cq.url}/api/jobs/postings/{pid}/close", headers=headers,
                   timeout=30)
    assert r.status_code == 200
    assert live_nodes.wait_until(lambda: pid not in _sc_ids(live_nodes, "仓管"), timeout=20)


def test_bad_posting_gets_field_errors(live_nodes) -> None:  # type: ignore[no-untyped-def]
    headers = live_nodes.cq.headers("hr_officer")
    bad = {**BODY, "salary_min": "9000", "salary_max": "100"}
    r = httpx.post(f"{live_nodes.cq.url}/api/jobs/postings", json=bad, headers=headers,
                   timeout=30)
    assert r.status_code == 422
    assert "salary_max" in {e["field"].split(".")[-1] for e in r.json()["errors"]}


def test_expiry_replicates(live_nodes) -> None:  # type: ignore[no-untyped-def]
    headers = live_nodes.cq.headers("hr_officer")
    past = {**BODY, "title": "电焊工", "valid_from": "2020-06-01", "valid_to": "2020-06-30"}
    r = httpx.post(f"{live_nodes.cq.url}/api/jobs/postings", json=past, headers=headers, timeout=30)
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    r = httpx.post(f"{live_nodes.cq.url}/api/jobs/expire", headers=headers, timeout=30)
    assert r.status_code == 200 and r.json()["expired"] >= 1

    def sc_status() -> str | None:
        r = httpx.get(f"{live_nodes.sc.url}/api/jobs/postings/{pid}", timeout=30)
        return r.json()["status"] if r.status_code == 200 else None

    assert live_nodes.wait_until(lambda: sc_status() == "expired", timeout=20)


def _rows(count: int) -> list[dict[str, Any]]:
    """Generated CQ postings in the import layout, as JSON values."""
    gen = Generator(seed=11, as_of=clock.today())
    emps = gen.employers(60)
    out: list[dict[str, Any]] = []
    for p in gen.postings(emps, count * 3):
        if p.division_code.startswith("50") and len(out) < count:
            out.append({k: events.plain(v) for k, v in files.record_of(p).items()})
    return out


def test_index_and_database_agree_after_kill_mid_ingest(live_nodes) -> None:  # type: ignore[no-untyped-def]
    cq = live_nodes.cq
    if cq.settings.database_url:
        pytest.skip("the crash test reads the node's SQLite file directly")
    db_file = cq.settings.sqlite_path()
    headers = cq.headers("hr_officer")
    rows = _rows(12000)

    def load() -> None:
        with contextlib.suppress(httpx.HTTPError):
            httpx.post(f"{cq.url}/api/jobs/import", json={"rows": rows}, headers=headers,
                       timeout=600)  # fmt: skip

    def stored() -> int:
        # A plain read: the node's sessions all begin with the write lock, which a busy
        # importing node hands from batch to batch without a pause.
        with contextlib.closing(sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)) as c:
            return int(c.execute("SELECT count(*) FROM jobs_posting").fetchone()[0])

    before = stored()
    loader = threading.Thread(target=load, daemon=True)
    loader.start()
    live_nodes.wait_until(lambda: stored() > before, timeout=120, message="first batch stored")
    cq.kill()
    loader.join(timeout=30)
    after_kill = stored()
    assert before < after_kill < before + len(rows), "the node must die in the middle"
    cq.start()
    index = TantivyIndex(indexing.index_dir(cq.node))

    def agree() -> bool:
        index.index.reload()
        with cq.session() as s:
            live = set(s.scalars(select(Posting.id).where(Posting.status == "open")))
        return index.ids() == live

    assert live_nodes.wait_until(agree, timeout=60, message="index equal to the database")
    with cq.session() as s:
        statuses = dict(s.execute(select(Posting.id, Posting.status)).all())
    assert len(statuses) == after_kill  # nothing half-stored, nothing resumed on its own
    assert {pid for pid, st in statuses.items() if st == "open"} == index.ids()
    assert {"expired", "open"} <= set(statuses.values())
