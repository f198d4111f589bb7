"""Events and batches are sized in bytes: against the limit the subscriber publishes when the
relay sends, and against the limit any batch could carry when the event is written."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from chuanyu.core.db import write_scope
from chuanyu.exchange import limits
from chuanyu.exchange.builtin import PROBE_STREAM
from chuanyu.exchange.models import AuditEntry, Delivery, OutboxEvent, ProbeEvent
from chuanyu.exchange.outbox import publish
from chuanyu.exchange.relay import Relay
from chuanyu.jobs.models import Posting
from tests.conftest import AppClient

KIB = 1024
NOTE = "川渝" * 1700  # about 10 KB of UTF-8 per probe event


def _relay_to(cq: AppClient, sc: AppClient) -> Relay:
    """CQ's relay, delivering to SC's app in this process."""
    relay = Relay(cq.node)
    relay.peers._clients["SC"] = sc
    return relay


def _limit(client: AppClient, max_body_bytes: int) -> None:
    client.node.settings = client.node.settings.model_copy(
        update={"max_body_bytes": max_body_bytes})


def _drain(relay: Relay, rounds: int = 50) -> None:
    for _ in range(rounds):
        relay._retry_at.clear()  # no waiting out backoffs in a test
        if not relay.pump():
            return


def test_batches_are_sized_by_the_limit_the_subscriber_publishes(
        client: AppClient, sc_client: AppClient) -> None:
    _limit(sc_client, 64 * KIB)
    with write_scope(client.node) as session:
        for i in range(30):
            publish(
                session=session,
                stream=PROBE_STREAM,
                event_type="probe",
                payload={"note": f"{i} {NOTE}"},
            )
    relay = _relay_to(client, sc_client)
    _drain(relay)
    assert relay.limits.limit("SC") == 64 * KIB
    with write_scope(sc_client.node) as session:
        assert session.scalar(select(func.count()).select_from(ProbeEvent)) == 30
        batches = session.scalars(select(AuditEntry.detail).where(
            AuditEntry.kind == "batch", AuditEntry.direction == "in")).all()
        refused = session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.outcome != "ok"))
    assert refused == 0
    sizes = [len(json.loads(d)["leaves"]) for d in batches]
    assert len(sizes) > 3 and max(sizes) <= 5  # 64 KiB less the headroom: a few 10 KB events
    with write_scope(client.node) as session:
        assert session.get(Delivery, ("SC", PROBE_STREAM)).last_error is None  # type: ignore[union-attr]


def test_an_event_the_subscriber_can_no_longer_take_is_held_not_sent(
        client: AppClient, sc_client: AppClient) -> None:
    with write_scope(client.node) as session:
        publish(
            session=session, stream=PROBE_STREAM, event_type="probe", payload={"note": NOTE * 4}
        )  # about 40 KB
    _limit(sc_client, 32 * KIB)  # lowered after the event was written
    relay = _relay_to(client, sc_client)
    _drain(relay)
    with write_scope(client.node) as session:
        delivery = session.get(Delivery, ("SC", PROBE_STREAM))
        assert delivery is not None and delivery.acked_seq == 0
        assert delivery.last_error is not None and delivery.last_error.startswith("too_large")
    with write_scope(sc_client.node) as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0  # nothing sent
    _limit(sc_client, 4 * 1024 * KIB)  # SC takes larger bodies again: the stream moves on
    relay.limits.forget("SC")
    _drain(relay)
    with write_scope(sc_client.node) as session:
        assert session.scalar(select(func.count()).select_from(ProbeEvent)) == 1


def test_an_event_too_large_for_any_batch_is_refused_when_written(client: AppClient) -> None:
    _limit(client, 24 * KIB)  # leaves about 8 KB for one event
    headers = client.login_as("hr_officer")
    body = {
        "employer_uscc": "91500112MA5U7AJ18W", "employer_name": "重庆测试机械有限公司",
        "title": "数控车工", "occupation_code": "6", "industry_code": "C",
        "division_code": "500103", "salary_min": "6000", "salary_max": "9000",
        "description": "负责数控车床的编程与操作。" * 300, "contact_name": "王先生",
        "contact_phone": "13800000000",
    }  # fmt: skip
    with write_scope(client.node) as session:
        before = session.scalar(select(func.count()).select_from(OutboxEvent))
    response = client.post("/api/jobs/postings", json=body, headers=headers)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "event_too_large"
    assert "超过对方节点可接收的上限" in problem["detail"]
    with write_scope(client.node) as session:
        assert session.scalar(select(func.count()).select_from(OutboxEvent)) == before
        assert session.scalar(select(func.count()).select_from(Posting)) == 0
    body["description"] = "负责数控车床的编程与操作。" * 100
    assert client.post("/api/jobs/postings", json=body, headers=headers).status_code == 201


def test_event_bytes_is_what_the_batch_body_spends() -> None:
    from types import SimpleNamespace

    from chuanyu.exchange import wire

    rows = [SimpleNamespace(seq=s, event_type="probe", payload=json.dumps(
        {"note": f'"引号" \\ {s}' * s}, ensure_ascii=False), digest="a" * 64)
        for s in range(1, 40)]
    body, _root, _leaves = wire.batch_body("CQ", "x" * 64, rows)
    spent = limits.BATCH_OVERHEAD + sum(
        limits.event_bytes(r.seq, r.event_type, r.payload, r.digest) for r in rows)
    assert len(body) <= spent < len(body) + 100


@pytest.mark.parametrize("sizes, runs", [
    ([10, 10, 10], [[10, 10, 10]]),
    ([60, 50, 10, 100, 5], [[60], [50, 10], [100], [5]]),
    ([1] * 5, [[1, 1], [1, 1], [1]]),
])
def test_bulk_changes_split_by_size_and_count(sizes: list[int], runs: list[list[int]]) -> None:
    assert list(limits.by_size(sizes, lambda n: n, budget=100, most=2 if len(sizes) == 5
                               and sizes[0] == 1 else None)) == runs
