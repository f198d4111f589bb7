"""The unit of work at the edge: a route's write commits before its answer, reads wait for no
writer."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from chuanyu.core.db import write_scope
from chuanyu.core.security import create_user
from tests.conftest import AppClient

ENTRY: dict[str, Any] = {
    "kind": "agreement",
    "title": "潼南区与遂宁市签署补充协议",
    "date": "2020-06",
    "parties": ["500152", "510900"],
    "tags": ["遂潼"],
}


def test_a_failed_commit_is_an_error_answer_and_stores_nothing(client: AppClient) -> None:
    office = client.login_as("joint_office")

    def refuse(_session: Any) -> None:
        raise RuntimeError("the disk is full")

    event.listen(client.node.sessions, "before_commit", refuse)
    try:
        with TestClient(client.app, raise_server_exceptions=False) as raw:
            answer = raw.post("/api/ledger/entries", json=ENTRY, headers=office)
    finally:
        event.remove(client.node.sessions, "before_commit", refuse)
    assert answer.status_code == 500  # not 201: the answer waits for the commit
    listed = client.get("/api/ledger/entries", params={"tag": "遂潼"}, headers=office)
    assert listed.status_code == 200 and listed.json()["items"] == []


def test_pages_and_reads_answer_while_a_write_unit_is_open(client: AppClient) -> None:
    office = client.login_as("joint_office")
    with write_scope(client.node) as session:  # holds the node's writer until the block ends
        create_user(session=session, username="pending", password="long-enough", roles=["citizen"])
        listed = client.get("/api/ledger/entries", headers=office)
        report = client.get("/api/ledger/report", params={"format": "json"}, headers=office)
    assert listed.status_code == 200, listed.text
    assert report.status_code == 200, report.text
