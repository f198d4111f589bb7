"""The notice outbox: deliveries written with their notice, sent after the commit.

A round reads the deliveries that are due, claims them (moving their next attempt past a lease,
so a second worker does not send them too), sends each outside any transaction and records the
outcome in a short transaction of its own: sent, retried later with exponential backoff, or
failed for good (a permanent refusal, or the last attempt) — kept, never dropped. A worker that
dies between sending and recording sends again after the lease: delivery is at least once.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.core.db import write_scope
from chuanyu.notices import channels
from chuanyu.notices.channels import DeliveryError, OutboundMessage
from chuanyu.notices.enums import DeliveryStatus
from chuanyu.notices.models import Notice, NoticeDelivery

if TYPE_CHECKING:
    from chuanyu.core.config import Settings
    from chuanyu.node import Node

log = logging.getLogger(__name__)

LEASE_S = 120.0
WAKE_KEY = "notices.wake"


def backoff(settings: Settings, attempts: int) -> timedelta:
    """The wait before attempt `attempts + 1`: doubling from the base, capped."""
    base = settings.notices_retry_base_s
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0),
                                 settings.notices_retry_max_s))


@dataclass(frozen=True)
class Claimed:
    """A delivery taken for one attempt."""

    id: int
    channel: str
    message: OutboundMessage


def _claim(node: Node, now: datetime, limit: int) -> list[Claimed]:
    with write_scope(node) as session:
        rows = session.execute(
            select(NoticeDelivery, Notice).join(Notice, Notice.id == NoticeDelivery.notice_id)
            .where(NoticeDelivery.status == DeliveryStatus.PENDING.value,
                   NoticeDelivery.next_attempt_at <= now)
            .order_by(NoticeDelivery.next_attempt_at, NoticeDelivery.id).limit(limit)).all()
        claimed = []
        for row, notice in rows:
            taken = session.execute(
                update(NoticeDelivery).where(NoticeDelivery.id == row.id,
                                       NoticeDelivery.status == DeliveryStatus.PENDING.value,
                                       NoticeDelivery.next_attempt_at <= now)
                .values(next_attempt_at=now + timedelta(seconds=LEASE_S)))
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                continue  # another worker took it
            link = _absolute(node, notice.link)
            claimed.append(Claimed(row.id, row.channel, OutboundMessage(
                delivery_id=row.id, address=row.address, subject=notice.subject,
                body=notice.body, link=link)))
    return claimed


def _absolute(node: Node, link: str | None) -> str | None:
    if not link or "://" in link:
        return link
    from chuanyu.core import links

    return links.public_url(node, link)


def _record(node: Node, item: Claimed, error: DeliveryError | None) -> str:
    settings = node.settings
    with write_scope(node) as session:
        row = session.get(NoticeDelivery, item.id)
        if row is None:
            return "gone"
        row.attempts += 1
        now = clock.now()
        if error is None:
            row.status, row.sent_at, row.last_error = DeliveryStatus.SENT.value, now, None
        elif error.permanent or row.attempts >= settings.notices_max_attempts:
            row.status, row.last_error = DeliveryStatus.FAILED.value, str(error)[:2000]
        else:
            row.last_error = str(error)[:2000]
            row.next_attempt_at = now + backoff(settings, row.attempts)
        return row.status


def deliver_due(node: Node, *, limit: int = 50) -> dict[str, int]:
    """One round: send every delivery that is due; counts of outcomes (sent, pending, failed)."""
    enabled = channels.for_node(node)
    outcomes: dict[str, int] = {}
    for item in _claim(node, clock.now(), limit):
        channel = enabled.get(item.channel)
        error: DeliveryError | None = None
        if channel is None:
            error = DeliveryError(f"通道 {item.channel} 未启用")
        else:
            try:
                channel.send(item.message)
            except DeliveryError as exc:
                error = exc
        if error is not None:
            log.warning("notice delivery %d via %s failed: %s", item.id, item.channel, error)
        status = _record(node, item, error)
        outcomes[status] = outcomes.get(status, 0) + 1
    return outcomes


def wake_after_commit(*, session: Session) -> None:
    """Wake the node's delivery worker once the session's transaction commits."""
    if session.info.get(WAKE_KEY):
        return
    session.info[WAKE_KEY] = True

    def _wake(sess: Session) -> None:
        sess.info.pop(WAKE_KEY, None)
        node = sess.info.get("node")
        worker = node.extras.get("notices.worker") if node is not None else None
        if worker is not None:
            worker.wake()

    event.listen(session, "after_commit", _wake, once=True)


class DeliveryWorker:
    """Sends due deliveries in a daemon thread: woken after a notice commits, and otherwise
    every `poll_s` seconds (for retries whose backoff has passed)."""

    def __init__(self, node: Node, *, poll_s: float = 5.0) -> None:
        self.node = node
        self.poll_s = poll_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="notices-delivery", daemon=True)

    def start(self) -> None:
        """Run in a daemon thread."""
        self._thread.start()

    def wake(self) -> None:
        """Look for due deliveries now."""
        self._wake.set()

    def stop(self) -> None:
        """Stop and wait for the thread."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=15)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.poll_s)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                while sum(deliver_due(self.node).values()):
                    if self._stop.is_set():
                        return
            except Exception:  # the worker must outlive a failed round; the rows stay pending
                log.exception("notice delivery round failed; retrying at the next round")
