"""Mutual TLS between nodes: pinned peer certificates on the client side, checked senders on
the server side.

The federation descriptor carries each member's certificate fingerprint (SHA-256 of the DER
bytes). A node connecting to a peer completes the handshake only when the peer's certificate
is the pinned one, before any request byte is sent; a node serving the exchange refuses a
message whose claimed sender is not the member whose certificate opened the connection.
"""

from __future__ import annotations

import hashlib
import json
import ssl
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from cryptography import x509
from uvicorn.protocols.http.h11_impl import H11Protocol

from chuanyu.core.db import write_scope
from chuanyu.exchange import audit, envelope, guard, wire

if TYPE_CHECKING:
    import asyncio

    from chuanyu.core.config import Settings
    from chuanyu.node import Node

# Key of the client certificate's fingerprint in each request's ASGI `state`.
PEER_CERT_STATE = "tls_peer_sha256"


def fingerprint(der: bytes) -> str:
    """SHA-256 fingerprint of a DER certificate, lowercase hex."""
    return hashlib.sha256(der).hexdigest()


def file_fingerprint(path: Path) -> str:
    """Fingerprint of the (first) certificate in a PEM file."""
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    from cryptography.hazmat.primitives.serialization import Encoding

    return fingerprint(cert.public_bytes(Encoding.DER))


def normalise(value: str) -> str:
    """A fingerprint as written by hand (colons, upper case) in the descriptor's form."""
    return value.replace(":", "").strip().lower()


class PinMismatch(ssl.SSLCertVerificationError):
    """The peer's certificate is valid but not the one the federation descriptor names."""


class _PinnedSocket(ssl.SSLSocket):
    """A TLS socket that checks the server's certificate fingerprint right after the handshake."""

    pinned = ""
    peer = ""

    def do_handshake(self, block: bool = False) -> None:
        super().do_handshake(block)
        der = self.getpeercert(binary_form=True) or b""
        if self.pinned and fingerprint(der) != self.pinned:
            got = fingerprint(der)
            self.close()
            raise PinMismatch(f"{self.peer} 节点的证书与联盟描述文件不符 "
                              f"(sha256 {got[:16]}…，应为 {self.pinned[:16]}…)")


def client_context(settings: Settings, peer: str, pinned: str) -> ssl.SSLContext:
    """TLS context presenting this node's certificate and accepting only `peer`'s pinned one."""
    context = ssl.create_default_context(
        cafile=str(settings.tls_client_ca) if settings.tls_client_ca else None)
    if settings.tls_cert is not None:
        context.load_cert_chain(str(settings.tls_cert),
                                str(settings.tls_key) if settings.tls_key else None)
    context.sslsocket_class = type("PinnedSocket", (_PinnedSocket,),
                                   {"pinned": normalise(pinned), "peer": peer})
    return context


class PeerClients:
    """One HTTP client per peer (each with its own pinned TLS context), opened on first use."""

    def __init__(self, node: Node) -> None:
        self.node = node
        self._clients: dict[str, httpx.Client] = {}
        self._lock = threading.Lock()

    def get(self, member: str) -> httpx.Client:
        """The client for `member` (KeyError for a non-member)."""
        with self._lock:
            return self._clients.get(member) or self._open(member)

    def _open(self, member: str) -> httpx.Client:
        peer = self.node.descriptor.members[member]
        settings = self.node.settings
        verify: ssl.SSLContext | bool = True
        if peer.base_url.startswith("https:"):
            verify = client_context(settings, member, peer.tls_fingerprint)
        client = httpx.Client(timeout=settings.call_timeout_s, verify=verify)
        self._clients[member] = client
        return client

    def close(self) -> None:
        """Release every pooled connection."""
        for client in self._clients.values():
            client.close()
        self._clients.clear()


class PeerCertProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol that hands each request the client certificate's fingerprint.

    uvicorn does not put the TLS connection into the ASGI scope; its per-request `state` is
    copied from the protocol's, so the fingerprint is added there once per connection.
    """

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        ssl_object = transport.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
        if der:
            self.app_state = {**self.app_state, PEER_CERT_STATE: fingerprint(der)}


def serve_options(settings: Settings) -> dict[str, Any]:
    """uvicorn arguments: TLS when a certificate is set, client certificates when a CA is."""
    if settings.tls_cert is None:
        return {}
    options: dict[str, Any] = {"ssl_certfile": str(settings.tls_cert),
                               "ssl_keyfile": str(settings.tls_key) if settings.tls_key else None}
    if settings.tls_client_ca is not None:
        options.update(ssl_ca_certs=str(settings.tls_client_ca),
                       ssl_cert_reqs=ssl.CERT_REQUIRED, http=PeerCertProtocol)
    return options


def sender_mismatch(node: Node, scope: Mapping[str, Any], sender: str | None) -> str | None:
    """Why the connection's certificate may not speak for `sender`; None when it may."""
    presented = (scope.get("state") or {}).get(PEER_CERT_STATE)
    member = node.descriptor.members.get(sender or "")
    if presented is None or member is None or not member.tls_fingerprint:
        return None  # no client certificate (plain HTTP) or nothing pinned for this member
    if presented != normalise(member.tls_fingerprint):
        return (f"the connection's client certificate (sha256 {presented[:16]}…) is not "
                f"{sender}'s")
    return None


def refuse_mismatched_sender(node: Node, scope: Mapping[str, Any], headers: Mapping[str, str],
                             kind: str, name: str, body: bytes
                             ) -> tuple[int, bytes, dict[str, str]] | None:
    """Audit and answer (403 `tls_mismatch`) a message whose sender is not the certificate's.

    None when the connection may speak for the claimed sender.
    """
    sender = headers.get(envelope.HEADER_PREFIX + "sender")
    reason = sender_mismatch(node, scope, sender)
    if reason is None:
        return None
    digest = wire.body_digest(body)
    message_id = headers.get(envelope.HEADER_PREFIX + "message-id", "")
    with write_scope(node) as session:
        audit.record(
            session=session,
            node=node,
            direction="in",
            peer=(sender or "?")[:8],
            kind=kind,
            name=name[:64],
            message_id=message_id[:64],
            digest=digest,
            outcome="tls_mismatch",
            detail=reason,
        )
    data = {"type": "https://chuanyu.example/problems/tls_mismatch", "title": "exchange refusal",
            "status": 403, "detail": reason, "code": "tls_mismatch", "errors": []}
    answer = json.dumps(data, ensure_ascii=False).encode()
    out = {"content-type": "application/json"}
    try:
        env, _signature = wire.read_envelope(headers)
    except guard.Refusal:
        return 403, answer, out
    reply_kind = "reply" if kind == "call" else "ack"
    out.update(wire.signed(node, env.answer(reply_kind, wire.body_digest(answer))))
    return 403, answer, out
