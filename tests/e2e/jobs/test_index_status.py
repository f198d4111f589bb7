"""Index state on GET /api/jobs/index and the status page while another process holds the
writer, and after the node takes it over."""

from __future__ import annotations

import pytest

from chuanyu.jobs import index_lock, indexing
from chuanyu.jobs.search.tantivy_index import TantivyIndex
from tests.support.nodes import wait_until


def test_index_state_shows_waiting_then_ok_once_the_writer_is_free(  # type: ignore[no-untyped-def]
    client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_lock, "FIRST_RETRY_S", 0.05)
    monkeypatch.setattr(index_lock, "MAX_RETRY_S", 0.2)
    other = TantivyIndex(indexing.index_dir(client.node), heap_mb=15, threads=1)
    other.writer()  # e.g. a bulk load still running in another process
    admin = client.login_as("admin")

    status = client.get("/api/jobs/index", headers=admin)
    assert status.status_code == 200, status.text
    assert status.json()["state"] == "waiting" and status.json()["state_since"]
    refused = client.post("/api/jobs/index/rebuild", headers=admin)
    assert refused.status_code == 409 and refused.json()["code"] == "index_locked"
    assert "等待其释放" in refused.text
    client.page_login("admin")
    page = client.get("/status")
    assert page.status_code == 200 and 'data-state="waiting"' in page.text
    assert "等待写入锁" in page.text

    other.close()
    wait_until(lambda: client.get("/api/jobs/index", headers=admin).json()["state"] == "ok",
               timeout=20, message="writer taken over")  # fmt: skip
    assert client.post("/api/jobs/index/rebuild", headers=admin).status_code == 202
    assert 'data-state="ok"' in client.get("/status").text
