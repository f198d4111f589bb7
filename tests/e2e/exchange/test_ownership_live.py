"""A malicious member on a live federation: SC signs and sends events about CQ's own records.

SC writes the forged events into its own outbox, so its relay signs and delivers them exactly as
it would its real events; CQ must refuse them (`not_owner`, audited), change nothing, and go on
applying what SC sends afterwards.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import select

from chuanyu.exchange import outbox
from chuanyu.exchange.models import AuditEntry
from chuanyu.jobs import events as job_events
from chuanyu.jobs.models import Employer, Posting
from tests.support.nodes import LiveFederation

CQ_POSTING = {
    "employer_uscc": "91500112MA5U7AJ18W", "employer_name": "重庆测试机械有限公司",
    "title": "氩弧焊工", "occupation_code": "6", "industry_code": "C", "division_code": "500103",
    "salary_min": "6000", "salary_max": "9000", "description": "负责焊接作业",
    "contact_name": "王先生", "contact_phone": "13800000000",
}  # fmt: skip
SC_POSTING = {**CQ_POSTING, "employer_uscc": "91510104MA6C12340T",
              "employer_name": "成都测试科技有限公司", "title": "数控车工",
              "division_code": "510104"}
ENTRY = {"kind": "service_opened", "title": "荣昌—隆昌跨省公交开通", "date": "2020-06-15",
         "parties": ["500153", "511083"], "detail": {"service_kind": "bus_line"},
         "metrics": {"length_km": 35}}


def _create(url: str, path: str, body: dict[str, Any], headers: dict[str, str]) -> str:
    response = httpx.post(f"{url}{path}", json=body, headers=headers, timeout=30)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _posting_snapshot(live: LiveFederation, pid: str) -> dict[str, Any]:
    with live.cq.session() as session:
        posting = session.get(Posting, pid)
        assert posting is not None
        employer = session.get(Employer, posting.employer_id)
        assert employer is not None
        return job_events.snapshot(posting, employer)


def test_forged_events_from_the_other_member_change_nothing(live_nodes: LiveFederation) -> None:
    cq, sc = live_nodes.cq, live_nodes.sc
    pid = _create(cq.url, "/api/jobs/postings", CQ_POSTING, cq.headers("hr_officer"))
    entry_id = _create(cq.url, "/api/ledger/entries", ENTRY, cq.headers("joint_office"))
    original = _posting_snapshot(live_nodes, pid)
    entry_before = httpx.get(f"{cq.url}/api/ledger/entries/{entry_id}",
                             headers=cq.headers("joint_office")).json()

    forged_posting = {"posting": {**original["posting"], "title": "篡改的岗位",
                                  "contact_phone": "13900000000",
                                  "version": original["posting"]["version"] + 1},
                      "employer": original["employer"]}
    claimed = {"posting": {**original["posting"], "id": "f" * 32, "title": "冒名的岗位"},
               "employer": original["employer"]}
    forged_entry = {**entry_before, "title": "被改写的标题", "version": entry_before["version"] + 1}
    with sc.session() as session:  # SC, gone rogue, publishes as it would its own changes
        outbox.publish(
            session=session,
            stream=job_events.STREAM,
            event_type=job_events.UPDATED,
            payload=forged_posting,
        )
        outbox.publish(
            session=session,
            stream=job_events.STREAM,
            event_type=job_events.CREATED,
            payload=claimed,
        )
        outbox.publish(
            session=session,
            stream="ledger.entries",
            event_type="entry.upserted",
            payload=forged_entry,
        )
        outbox.publish(
            session=session,
            stream="ledger.entries",
            event_type="entry.deleted",
            payload={"id": entry_id},
        )

    sc_pid = _create(sc.url, "/api/jobs/postings", SC_POSTING, sc.headers("hr_officer"))
    sc_entry = _create(sc.url, "/api/ledger/entries", {**ENTRY, "title": "四川记录的事件"},
                       sc.headers("joint_office"))
    cq_office = cq.headers("joint_office")
    live_nodes.wait_until(lambda: httpx.get(f"{cq.url}/api/jobs/postings/{sc_pid}",
                                            timeout=10).status_code == 200, timeout=30)
    live_nodes.wait_until(lambda: httpx.get(f"{cq.url}/api/ledger/entries/{sc_entry}",
                                            headers=cq_office, timeout=10).status_code == 200,
                          timeout=30)

    assert _posting_snapshot(live_nodes, pid) == original
    assert httpx.get(f"{cq.url}/api/jobs/postings/{'f' * 32}", timeout=10).status_code == 404
    after = httpx.get(f"{cq.url}/api/ledger/entries/{entry_id}", headers=cq_office).json()
    assert after == entry_before

    with cq.session() as session:
        refused = session.scalars(select(AuditEntry).where(
            AuditEntry.outcome == "not_owner").order_by(AuditEntry.position)).all()
    assert [(e.peer, e.name) for e in refused] == [("SC", "jobs.postings")] * 2 + [
        ("SC", "ledger.entries")] * 2
    status = json.loads(cq.cli("exchange", "status", "--json").stdout)
    assert status["refusals"]["not_owner"] == 4
    assert {(r["stream"], r["code"], r["events"]) for r in status["refused_events"]} == {
        ("jobs.postings", "not_owner", 2), ("ledger.entries", "not_owner", 2)}
    assert all(r["last_error"] is None for r in status["inbound"])
