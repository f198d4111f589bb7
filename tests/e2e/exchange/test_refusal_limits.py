"""Refusing is cheap and never a 500: malformed signed fields, and floods of unsigned requests.

Live SC node, with a small allowance of audited refusals per address so the flood is short.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from chuanyu.core import clock
from chuanyu.exchange import envelope, federation, signing
from chuanyu.exchange.builtin import PROBE_STREAM
from chuanyu.exchange.models import AuditEntry, ProbeEvent
from chuanyu.exchange.outbox import event_digest
from tests.support.nodes import LiveFederation

ALLOWANCE = 5


@pytest.fixture(scope="module")
def live_nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveFederation]:
    fed = LiveFederation(tmp_path_factory.mktemp("limits"),
                         {"CHUANYU_EXCHANGE_REFUSALS_PER_MINUTE": str(ALLOWANCE)})
    try:
        fed.start()
        yield fed
    finally:
        fed.stop()


@pytest.fixture(scope="module")
def cq_key(live_nodes: LiveFederation) -> signing.Ed25519PrivateKey:
    return signing.read_private_key(
        federation.member_key_path(Path(live_nodes.cq.env["CHUANYU_FEDERATION_DIR"]), "CQ"))


def _signed_call(live: LiveFederation, key: signing.Ed25519PrivateKey, *,
                 timestamp: str) -> tuple[httpx.Response, envelope.Envelope]:
    body = b'{"note": "x"}'
    env = envelope.make("CQ", "SC", "call", "exchange.ping", signing.digest(body))
    env = envelope.Envelope(**{**env.__dict__, "timestamp": timestamp})
    headers = env.headers(signing.sign(key, env.signing_bytes()))
    response = httpx.post(f"{live.sc.url}/exchange/call/exchange.ping", content=body,
                          headers=headers)
    return response, env


def _outcome_of(live: LiveFederation, message_id: str) -> tuple[str, str] | None:
    with live.sc.session() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.message_id == message_id)
                               .order_by(AuditEntry.position.desc()))
        return (entry.peer, entry.outcome) if entry else None


@pytest.mark.parametrize("timestamp", [
    (clock.now()).replace(tzinfo=None).isoformat(),   # no zone
    clock.now().date().isoformat(),                   # a date, not an instant
    "1700000000",                                     # not ISO 8601
])
def test_member_envelope_with_a_malformed_timestamp_is_refused_and_audited(
        live_nodes: LiveFederation, cq_key: signing.Ed25519PrivateKey, timestamp: str) -> None:
    response, env = _signed_call(live_nodes, cq_key, timestamp=timestamp)
    assert response.status_code == 400, response.text
    problem = response.json()
    assert problem["code"] == "bad_envelope"
    assert [e["field"] for e in problem["errors"]] == ["timestamp"]
    assert _outcome_of(live_nodes, env.message_id) == ("CQ", "bad_envelope")
    again = httpx.post(f"{live_nodes.sc.url}/exchange/call/exchange.ping",
                       content=b'{"note": "x"}',
                       headers=env.headers(signing.sign(cq_key, env.signing_bytes())))
    assert again.status_code == 409 and again.json()["code"] == "replayed"


def _probe_count(live: LiveFederation) -> int:
    with live.sc.session() as session:
        return session.scalar(select(func.count()).select_from(ProbeEvent)) or 0


@pytest.mark.parametrize("seq", [2**63, 2**64 + 5, 0])
def test_member_batch_with_an_impossible_seq_is_refused_and_audited(
        live_nodes: LiveFederation, cq_key: signing.Ed25519PrivateKey, seq: int) -> None:
    before = _probe_count(live_nodes)
    payload = json.dumps({"note": "x"})
    digest = event_digest(PROBE_STREAM, seq, "probe", payload)
    events = [{"seq": seq, "type": "probe", "payload": payload, "digest": digest}]
    body = json.dumps({"producer": "CQ", "stream": PROBE_STREAM, "events": events}).encode()
    env = envelope.make("CQ", "SC", "batch", PROBE_STREAM, signing.merkle_root([digest]))
    response = httpx.post(f"{live_nodes.sc.url}/exchange/events/{PROBE_STREAM}", content=body,
                          headers=env.headers(signing.sign(cq_key, env.signing_bytes())))
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "bad_payload"
    assert response.json()["errors"][0]["field"] == "events.0.seq"
    assert _outcome_of(live_nodes, env.message_id) == ("CQ", "bad_payload")
    assert _probe_count(live_nodes) == before


def _unsigned(live: LiveFederation, n: int) -> httpx.Response:
    headers = {"x-chuanyu-sender": "ATTACKER" * 400, "x-chuanyu-receiver": "SC",
               "x-chuanyu-kind": "call", "x-chuanyu-name": "exchange.ping",
               "x-chuanyu-message-id": f"m{n}", "x-chuanyu-digest": "0" * 64,
               "x-chuanyu-timestamp": clock.now().isoformat()}
    return httpx.post(f"{live.sc.url}/exchange/call/exchange.ping",
                      content=b"A" * 200_000, headers=headers)


def _unverified_entries(live: LiveFederation, after: int) -> list[AuditEntry]:
    with live.sc.session() as session:
        return list(session.scalars(select(AuditEntry).where(
            AuditEntry.position > after, AuditEntry.peer == "?").order_by(AuditEntry.position)))


def test_unsigned_flood_is_audited_bounded_then_counted(live_nodes: LiveFederation) -> None:
    with live_nodes.sc.session() as session:
        start = session.scalar(select(func.max(AuditEntry.position))) or 0
    answers = [_unsigned(live_nodes, n).status_code for n in range(ALLOWANCE + 20)]
    assert all(code != 429 for code in answers[:ALLOWANCE])
    assert answers[ALLOWANCE:] == [429] * 20
    entries = _unverified_entries(live_nodes, start)
    refusals = [e for e in entries if e.outcome != "rate_limited"]
    summaries = [e for e in entries if e.outcome == "rate_limited"]
    assert len(refusals) == ALLOWANCE and len(summaries) == 1
    for entry in refusals:
        detail = json.loads(entry.detail)
        assert len(entry.detail.encode()) < 1024 and entry.message_id == ""
        assert detail["sender_verified"] is False and len(detail["sender"]) <= 16
        assert detail["size"] == 200_000 and detail["head"] == "A" * 64
        assert entry.digest == signing.digest(b"A" * 200_000)
    assert json.loads(summaries[0].detail)["address"] == "127.0.0.1"


def test_a_member_is_still_answered_from_a_throttled_address(live_nodes: LiveFederation) -> None:
    assert _unsigned(live_nodes, 999).status_code == 429
    result = live_nodes.cq.node.exchange.call("SC", "exchange.ping", {"note": "仍可通行"})
    assert result["note"] == "仍可通行"


def test_stale_member_message_is_still_refused_as_stale(
        live_nodes: LiveFederation, cq_key: signing.Ed25519PrivateKey) -> None:
    old = (clock.now() - timedelta(seconds=301)).isoformat()
    response, env = _signed_call(live_nodes, cq_key, timestamp=old)
    assert response.status_code == 401 and response.json()["code"] == "stale"
    assert _outcome_of(live_nodes, env.message_id) == ("CQ", "stale")
