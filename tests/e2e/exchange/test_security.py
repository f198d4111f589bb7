"""Every refusal of the exchange, against a live SC node, as a hostile or broken peer would try."""

from __future__ import annotations

import json
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


@pytest.fixture(scope="module")
def cq_key(live_nodes: LiveFederation) -> signing.Ed25519PrivateKey:
    return signing.read_private_key(
        federation.member_key_path(Path(live_nodes.cq.env["CHUANYU_FEDERATION_DIR"]), "CQ"))


def _send_call(live: LiveFederation, key: signing.Ed25519PrivateKey, body: bytes, *,
               sender: str = "CQ", service: str = "exchange.ping", timestamp: str | None = None,
               digest: str | None = None, message_id: str | None = None) -> httpx.Response:
    env = envelope.make(sender, "SC", "call", service, digest or signing.digest(body))
    if timestamp or message_id:
        env = envelope.Envelope(**{**env.__dict__, "timestamp": timestamp or env.timestamp,
                                   "message_id": message_id or env.message_id})
    headers = env.headers(signing.sign(key, env.signing_bytes()))
    return httpx.post(f"{live.sc.url}/exchange/call/{service}", content=body, headers=headers)


def _audit_outcome(live: LiveFederation, response: httpx.Response) -> str | None:
    """Outcome of the newest SC audit entry (the refusal just made)."""
    with live.sc.session() as session:
        entry = session.scalar(select(AuditEntry).order_by(AuditEntry.position.desc()))
        return entry.outcome if entry else None


def _code(response: httpx.Response) -> str:
    return str(response.json()["code"])


def test_signed_call_is_answered_and_audited_on_both_sides(live_nodes: LiveFederation) -> None:
    result = live_nodes.cq.node.exchange.call("SC", "exchange.ping", {"note": "你好"})
    assert result["member"] == "SC" and result["note"] == "你好"
    with live_nodes.sc.session() as session:
        assert session.scalar(select(AuditEntry.outcome).order_by(
            AuditEntry.position.desc())) == "ok"
    with live_nodes.cq.session() as session:
        last = session.scalar(select(AuditEntry).order_by(AuditEntry.position.desc()))
        assert last is not None and (last.direction, last.outcome) == ("out", "ok")


def test_forged_signature_is_refused(live_nodes: LiveFederation, cq_key) -> None:
    body = b'{"note": "x"}'
    env = envelope.make("CQ", "SC", "call", "exchange.ping", signing.digest(body))
    headers = env.headers(signing.sign(cq_key, env.signing_bytes()))
    headers["x-chuanyu-signature"] = signing.sign(cq_key, b"something else")
    response = httpx.post(f"{live_nodes.sc.url}/exchange/call/exchange.ping", content=body,
                          headers=headers)
    assert response.status_code == 401 and _code(response) == "bad_signature"
    assert _audit_outcome(live_nodes, response) == "bad_signature"


def test_wrong_key_is_refused(live_nodes: LiveFederation) -> None:
    response = _send_call(live_nodes, signing.generate_key(), b'{"note": "x"}')
    assert response.status_code == 401 and _code(response) == "bad_signature"
    assert _audit_outcome(live_nodes, response) == "bad_signature"


def test_unknown_member_is_refused(live_nodes: LiveFederation) -> None:
    response = _send_call(live_nodes, signing.generate_key(), b"{}", sender="GZ")
    assert response.status_code == 401 and _code(response) == "unknown_member"
    assert _audit_outcome(live_nodes, response) == "unknown_member"


def test_service_without_access_right_is_refused(live_nodes: LiveFederation, cq_key) -> None:
    response = _send_call(live_nodes, cq_key, b"{}", service="exchange.shutdown")
    assert response.status_code == 403 and _code(response) == "not_permitted"
    assert _audit_outcome(live_nodes, response) == "not_permitted"


def test_stale_timestamp_is_refused(live_nodes: LiveFederation, cq_key) -> None:
    old = (clock.now() - timedelta(seconds=301)).isoformat()
    response = _send_call(live_nodes, cq_key, b"{}", timestamp=old)
    assert response.status_code == 401 and _code(response) == "stale"
    assert _audit_outcome(live_nodes, response) == "stale"


def test_replayed_message_id_is_refused(live_nodes: LiveFederation, cq_key) -> None:
    first = _send_call(live_nodes, cq_key, b"{}", message_id="replay-me-0001")
    assert first.status_code == 200
    again = _send_call(live_nodes, cq_key, b"{}", message_id="replay-me-0001")
    assert again.status_code == 409 and _code(again) == "replayed"
    assert _audit_outcome(live_nodes, again) == "replayed"


def test_truncated_body_is_refused(live_nodes: LiveFederation, cq_key) -> None:
    body = b'{"note": "a complete body"}'
    response = _send_call(live_nodes, cq_key, body[:10], digest=signing.digest(body))
    assert response.status_code == 401 and _code(response) == "bad_signature"
    assert _audit_outcome(live_nodes, response) == "bad_signature"


def test_garbage_body_is_refused(live_nodes: LiveFederation, cq_key) -> None:
    response = _send_call(live_nodes, cq_key, b"\x00\xffnot json at all")
    assert response.status_code == 422 and _code(response) == "bad_payload"
    assert _audit_outcome(live_nodes, response) == "bad_payload"


def test_oversized_body_is_refused(live_nodes: LiveFederation, cq_key) -> None:
    body = json.dumps({"note": "x" * (4 * 1024 * 1024 + 10)}).encode()
    response = _send_call(live_nodes, cq_key, body)
    assert response.status_code == 413 and _code(response) == "too_large"
    assert _audit_outcome(live_nodes, response) == "too_large"


def _probe_count(live: LiveFederation) -> int:
    with live.sc.session() as session:
        return session.scalar(select(func.count()).select_from(ProbeEvent)) or 0


def test_tampered_event_batch_applies_nothing(live_nodes: LiveFederation, cq_key) -> None:
    before = _probe_count(live_nodes)
    payload = json.dumps({"note": "x"})
    digest = event_digest(PROBE_STREAM, 1, "probe", payload)
    events = [{"seq": 1, "type": "probe", "payload": payload.replace("x", "y"), "digest": digest}]
    body = json.dumps({"producer": "CQ", "stream": PROBE_STREAM, "events": events}).encode()
    env = envelope.make("CQ", "SC", "batch", PROBE_STREAM, signing.merkle_root([digest]))
    response = httpx.post(f"{live_nodes.sc.url}/exchange/events/{PROBE_STREAM}", content=body,
                          headers=env.headers(signing.sign(cq_key, env.signing_bytes())))
    assert response.status_code == 401 and _code(response) == "bad_signature"
    assert _probe_count(live_nodes) == before
    assert _audit_outcome(live_nodes, response) == "bad_signature"


def test_refusals_are_audited_on_the_calling_side_too(live_nodes: LiveFederation) -> None:
    from chuanyu.exchange.client import ExchangeRefused

    with pytest.raises(ExchangeRefused) as refused:
        live_nodes.cq.node.exchange.call("SC", "exchange.ping", {"note": 5})
    assert refused.value.code == "bad_payload"
    with live_nodes.cq.session() as session:
        last = session.scalar(select(AuditEntry).order_by(AuditEntry.position.desc()))
        assert last is not None and (last.direction, last.outcome) == ("out", "bad_payload")


def test_both_audit_logs_verify_after_the_attacks(live_nodes: LiveFederation) -> None:
    for node in (live_nodes.cq, live_nodes.sc):
        result = node.cli("audit", "verify")
        assert "intact" in result.stdout
