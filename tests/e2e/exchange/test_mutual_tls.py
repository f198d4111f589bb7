"""Two live nodes over mutual TLS: pinned certificates both ways, senders tied to theirs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from chuanyu.exchange import envelope, federation, signing
from chuanyu.exchange.builtin import PROBE_STREAM
from chuanyu.exchange.client import ExchangeClient, PeerUnavailable
from chuanyu.exchange.models import AuditEntry, ProbeEvent
from chuanyu.exchange.outbox import publish
from tests.support.nodes import wait_until
from tests.support.tls import TlsFederation


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsFederation]:
    fed = TlsFederation(tmp_path_factory.mktemp("mtls"))
    try:
        fed.start()
        yield fed
    finally:
        fed.stop()


def _signed_ping(tls: TlsFederation) -> tuple[bytes, dict[str, str]]:
    """A ping correctly signed with CQ's key (as if that key were in other hands)."""
    key = signing.read_private_key(federation.member_key_path(tls.fed_dir, "CQ"))
    body = json.dumps({"note": "mtls"}).encode()
    env = envelope.make("CQ", "SC", "call", "exchange.ping", signing.digest(body))
    return body, env.headers(signing.sign(key, env.signing_bytes()))


def _last_outcome(tls: TlsFederation) -> str | None:
    with tls.sc.session() as session:
        return session.scalar(select(AuditEntry.outcome).order_by(AuditEntry.position.desc()))


def test_call_and_delivery_with_the_right_certificates_work(tls: TlsFederation) -> None:
    reply = tls.cq.node.exchange.call("SC", "exchange.ping", {"note": "你好"})
    assert reply["member"] == "SC"
    with tls.cq.session() as session:
        publish(
            session=session, stream=PROBE_STREAM, event_type="probe", payload={"note": "over mTLS"}
        )

    def delivered() -> int:
        with tls.sc.session() as session:
            return session.scalar(select(func.count()).select_from(ProbeEvent)) or 0

    wait_until(delivered, message="the relay to deliver over mutual TLS")


def test_client_without_a_certificate_is_refused(tls: TlsFederation) -> None:
    body, headers = _signed_ping(tls)
    with tls.pki.client() as client, pytest.raises(httpx.TransportError):
        client.post(f"{tls.sc.url}/exchange/call/exchange.ping", content=body, headers=headers)


def test_peer_with_another_members_certificate_is_refused(tls: TlsFederation) -> None:
    rogue = tls.pki.issue("rogue")  # signed by the same CA, but not the one pinned for CQ
    body, headers = _signed_ping(tls)
    with tls.pki.client(rogue) as client:
        response = client.post(f"{tls.sc.url}/exchange/call/exchange.ping", content=body,
                               headers=headers)
    assert response.status_code == 403 and response.json()["code"] == "tls_mismatch"
    assert _last_outcome(tls) == "tls_mismatch"
    body, headers = _signed_ping(tls)
    with tls.pki.client(tls.cq.cert) as client:
        accepted = client.post(f"{tls.sc.url}/exchange/call/exchange.ping", content=body,
                               headers=headers)
    assert accepted.status_code == 200, accepted.text


def test_server_whose_certificate_is_not_pinned_is_refused(tls: TlsFederation,
                                                           tmp_path: Path) -> None:
    node = tls.cq.node
    data = json.loads(json.dumps(node.descriptor.data))
    other = tls.pki.issue("other")
    from chuanyu.exchange.transport import file_fingerprint

    for member in data["members"]:
        if member["id"] == "SC":
            member["tls_fingerprint"] = file_fingerprint(other[0])
    client = ExchangeClient(replace(node, descriptor=federation.Descriptor(data)))
    before = _last_outcome(tls), _count(tls)
    try:
        with pytest.raises(PeerUnavailable, match="证书"):
            client.call("SC", "exchange.ping", {"note": "to an impostor?"})
    finally:
        client.close()
    assert (_last_outcome(tls), _count(tls)) == before  # nothing reached SC's exchange


def _count(tls: TlsFederation) -> int:
    with tls.sc.session() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)) or 0
