"""Body limits in bytes: what a node accepts, published to its peers, and what an event costs.

Every node answers `GET /exchange/limits` with its inbound body limit, signed with its key.
The relay sizes each batch against the subscriber's published limit, less a margin; a producer
refuses, when the event is written, an event that could never fit (so it never blocks its
stream later), and splits bulk changes into events of about `TARGET_EVENT_BYTES`.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from chuanyu.core import clock
from chuanyu.core.config import Settings
from chuanyu.core.errors import RuleViolation
from chuanyu.exchange import signing
from chuanyu.exchange.envelope import canonical_json

if TYPE_CHECKING:
    from chuanyu.node import Node

log = logging.getLogger(__name__)
T = TypeVar("T")

SIGNATURE_HEADER = "x-chuanyu-limits-signature"
# The batch around its events: {"producer": "CQ", "stream": "<up to 64>", "events": [...]}.
BATCH_OVERHEAD = 128
# Kept free below a peer's limit, so a batch sized to the byte never meets the limit exactly.
HEADROOM = 16 * 1024
# Producers splitting a bulk change aim for events of about this size (several per batch).
TARGET_EVENT_BYTES = 1024 * 1024
REFRESH_S = 300.0  # how long a peer's published limit is trusted before it is asked again
RETRY_S = 30.0  # how soon an unanswered limits request is repeated
DEFAULT_LIMIT = int(Settings.model_fields["max_body_bytes"].default)
_KNOWN = "exchange.peer_limits"  # node.extras: the limits peers last published


@dataclass
class EventTooLarge(RuleViolation):
    """An event that no batch could carry to a subscriber: refused when it is written."""

    code: str = "event_too_large"
    title = "单条同步事件过大"


def event_bytes(seq: int, event_type: str, payload: str, digest: str) -> int:
    """Bytes one event takes in a batch body (with the separator before it)."""
    item = {"seq": seq, "type": event_type, "payload": payload, "digest": digest}
    return len(json.dumps(item, ensure_ascii=False).encode()) + 2


def published(node: Node) -> tuple[bytes, dict[str, str]]:
    """Body and headers of this node's signed limits answer."""
    body = canonical_json({"member": node.member, "max_body_bytes": node.settings.max_body_bytes,
                           "at": clock.now().isoformat()})
    return body, {"content-type": "application/json", SIGNATURE_HEADER: node.sign(body)}


def read_published(node: Node, member: str, response: httpx.Response) -> int:
    """The limit `member` published; ValueError unless its signature and content hold."""
    signature = response.headers.get(SIGNATURE_HEADER, "")
    if response.status_code != 200 or not signing.verify(
            node.descriptor.public_key(member), signature, response.content):
        raise ValueError(f"{member} 的限额答复未签名或签名无效 (HTTP {response.status_code})")
    data: dict[str, Any] = json.loads(response.content)
    limit = data.get("max_body_bytes")
    if data.get("member") != member or not isinstance(limit, int) or limit <= HEADROOM:
        raise ValueError(f"{member} 的限额答复内容无效")
    return limit


def known(node: Node) -> dict[str, int]:
    """The body limits peers last published, as this process learnt them."""
    found: dict[str, int] = node.extras.setdefault(_KNOWN, {})
    return found


def event_limit(node: Node | None, stream: str) -> int:
    """Most bytes an event on `stream` may take so that a batch can carry it to every
    subscriber: their published limits where known, else this node's own limit."""
    if node is None:
        return DEFAULT_LIMIT - HEADROOM - BATCH_OVERHEAD
    learnt = known(node)
    limits = [learnt.get(sub, node.settings.max_body_bytes)
              for sub, name in node.descriptor.subscriptions_of(node.member) if name == stream]
    return min(limits or [node.settings.max_body_bytes]) - HEADROOM - BATCH_OVERHEAD


def refuse_if_too_large(node: Node | None, stream: str, event_type: str, payload: str) -> None:
    """EventTooLarge when the event could never be delivered; a clear message for the user."""
    size = event_bytes(10**18, event_type, payload, "0" * 64)  # the widest seq it may get
    limit = event_limit(node, stream)
    if size <= limit:
        return
    mib = 1024 * 1024
    raise EventTooLarge(
        f"本次提交生成的同步事件约 {size / mib:.2f} MB，超过对方节点可接收的上限"
        f"（{limit / mib:.2f} MB），无法同步到对方地区，已全部撤销。请分批提交或精简内容后重试")


class PeerLimits:
    """The body limit each subscriber publishes, asked for when first needed and then every
    `REFRESH_S`; this node's own limit stands in while a peer does not answer."""

    def __init__(self, node: Node, client: Callable[[str], httpx.Client]) -> None:
        self.node = node
        self._client = client
        self._lock = threading.Lock()
        self._due: dict[str, float] = {}

    def limit(self, member: str) -> int:
        """`member`'s published inbound body limit in bytes."""
        with self._lock:
            if time.monotonic() >= self._due.get(member, 0.0):
                self._ask(member)
            return known(self.node).get(member, self.node.settings.max_body_bytes)

    def budget(self, member: str) -> int:
        """Most bytes a batch body sent to `member` may take."""
        return self.limit(member) - HEADROOM

    def forget(self, member: str) -> None:
        """Ask `member` again before the next batch (it refused one as too large)."""
        with self._lock:
            self._due.pop(member, None)

    def _ask(self, member: str) -> None:
        peer = self.node.descriptor.members[member]
        try:
            response = self._client(member).get(f"{peer.base_url}/exchange/limits")
            limit = read_published(self.node, member, response)
        except (httpx.HTTPError, ValueError) as exc:
            log.info("limits of %s unknown (%s); sizing batches by this node's own", member, exc)
            self._due[member] = time.monotonic() + RETRY_S
            return
        if known(self.node).get(member) != limit:
            log.info("%s accepts bodies of up to %d bytes", member, limit)
        known(self.node)[member] = limit
        self._due[member] = time.monotonic() + REFRESH_S


def by_size(items: list[T], size_of: Callable[[T], int], *, budget: int = TARGET_EVENT_BYTES,
            most: int | None = None) -> Iterator[list[T]]:
    """`items` in consecutive runs of at most `budget` estimated bytes (and `most` items),
    each run one event of a bulk change; an item larger than the budget goes alone."""
    run: list[T] = []
    total = 0
    for item in items:
        size = size_of(item)
        if run and (total + size > budget or (most is not None and len(run) >= most)):
            yield run
            run, total = [], 0
        run.append(item)
        total += size
    if run:
        yield run
