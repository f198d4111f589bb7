"""The relay: delivers this node's outbox to subscribers in order, with retry and backoff."""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.core.db import is_sqlite, read_scope, write_scope
from chuanyu.exchange import (
    audit,
    envelope,
    guard,
    limits,
    pruning,
    registry,
    transport,
    wire,
)
from chuanyu.exchange.guard import Refusal
from chuanyu.exchange.models import Delivery, OutboxEvent, StreamHead

if TYPE_CHECKING:
    from chuanyu.node import Node

log = logging.getLogger(__name__)

HOUSEKEEPING_EVERY_S = 5.0


ROWS_PER_FETCH = 64  # outbox rows read at a time while a batch is filled up to its budget


class Relay:
    """One loop per node (or per relay process) pushing batches to every subscriber."""

    def __init__(self, node: Node) -> None:
        self.node = node
        self.peers = transport.PeerClients(node)
        self.limits = limits.PeerLimits(node, self.peers.get)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._retry_at: dict[tuple[str, str], float] = {}
        self._failures: dict[tuple[str, str], int] = {}
        self._thread: threading.Thread | None = None
        self._last_housekeeping = 0.0
        self._prune_at = 0.0

    def start(self) -> None:
        """Run the loop in a background thread."""
        self._thread = threading.Thread(target=self.run, name=f"relay-{self.node.member}",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Ask the loop to finish and wait for it."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.peers.close()

    def wake(self) -> None:
        """Deliver now rather than at the next poll (called after a publishing commit)."""
        self._wake.set()

    def run(self) -> None:
        """Deliver until stopped."""
        while not self._stop.is_set():
            try:
                busy = self.pump()
                self._housekeeping()
            except Exception:  # the relay must outlive any single failure; it retries
                log.exception("relay loop of %s failed; retrying", self.node.member)
                busy = False
            if not busy:
                self._wake.wait(timeout=self.node.settings.relay_poll_s)
                self._wake.clear()

    def pump(self) -> bool:
        """One pass over every (subscriber, stream); True when something was delivered."""
        delivered = False
        now = time.monotonic()
        for subscriber, stream in self._backlogged():
            if self._retry_at.get((subscriber, stream), 0.0) > now:
                continue
            delivered = self._deliver(subscriber, stream) > 0 or delivered
        return delivered

    def _backlogged(self) -> list[tuple[str, str]]:
        """(subscriber, stream) pairs with events not yet acknowledged, from one short read."""
        with read_scope(self.node) as session:
            heads = dict(session.execute(select(StreamHead.stream, StreamHead.last_seq)).all())
            acked = {(d.subscriber, d.stream): d.acked_seq
                     for d in session.scalars(select(Delivery))}
        return [(sub, stream) for sub, stream in
                self.node.descriptor.subscriptions_of(self.node.member)
                if heads.get(stream, 0) > acked.get((sub, stream), 0)]

    def _housekeeping(self) -> None:
        if time.monotonic() - self._last_housekeeping < HOUSEKEEPING_EVERY_S:
            return
        self._last_housekeeping = time.monotonic()
        with write_scope(self.node) as session:
            audit.checkpoint_if_due(session=session, node=self.node)
            guard.forget_expired(session=session)
        if time.monotonic() >= self._prune_at:
            self._prune_at = time.monotonic() + pruning.EVERY_S
            pruning.prune(self.node, max_batches=pruning.BACKGROUND_BATCHES)

    def _deliver(self, subscriber: str, stream: str) -> int:
        """Send the next batch; returns how many events the subscriber newly applied."""
        node = self.node
        budget = self.limits.budget(subscriber)  # may ask the peer: before any transaction
        session = node.sessions()
        try:
            delivery = self._lock_delivery(session, subscriber, stream)
            if delivery is None:
                return 0
            acked = delivery.acked_seq
            rows, oversized = self._next_rows(session, stream, acked, budget)
            if oversized:
                self._hold_oversized(session, (subscriber, stream), acked + 1, oversized, budget)
                session.commit()
                return 0
            if not rows:
                return 0
            if is_sqlite(node.engine):
                session.commit()  # never hold SQLite's write lock across the network
            applied = self._send(session, subscriber, stream, rows, acked)
            session.commit()
            return applied
        finally:
            session.close()

    def _next_rows(self, session: Session, stream: str, acked: int, budget: int
                   ) -> tuple[list[Any], int]:
        """The events after `acked` whose batch body fits in `budget` bytes, and, when not
        even the first one fits, its size (else 0)."""
        result = session.execute(
            select(OutboxEvent.seq, OutboxEvent.event_type, OutboxEvent.payload,
                   OutboxEvent.digest)
            .where(OutboxEvent.stream == stream, OutboxEvent.seq > acked)
            .order_by(OutboxEvent.seq).limit(self.node.settings.relay_batch_size)
            .execution_options(yield_per=ROWS_PER_FETCH))
        rows: list[Any] = []
        total = limits.BATCH_OVERHEAD
        try:
            for row in result:
                size = limits.event_bytes(row.seq, row.event_type, row.payload, row.digest)
                if total + size > budget:
                    return rows, 0 if rows else limits.BATCH_OVERHEAD + size
                rows.append(row)
                total += size
        finally:
            result.close()
        return rows, 0

    def _hold_oversized(self, session: Session, key: tuple[str, str], seq: int, size: int,
                        budget: int) -> None:
        """An event no batch can carry to the subscriber (its limit fell after the event was
        written): not sent, shown on the status page, retried once the limit is asked again."""
        message = (f"event {seq} needs a body of {size} bytes; {key[0]} accepts "
                   f"{budget + limits.HEADROOM} (less {limits.HEADROOM} kept free)")
        log.warning("delivery of %s to %s held: %s", key[1], key[0], message)
        delivery = session.get(Delivery, key)
        if delivery is not None:
            delivery.attempts += 1
            delivery.last_error = f"too_large: {message}"
            delivery.updated_at = clock.now()
        self.limits.forget(key[0])
        self._backoff(key)

    def _lock_delivery(self, session: Session, subscriber: str, stream: str) -> Delivery | None:
        query = select(Delivery).where(Delivery.subscriber == subscriber,
                                       Delivery.stream == stream)
        if not is_sqlite(self.node.engine):
            query = query.with_for_update(skip_locked=True)
        delivery = session.scalar(query)
        if delivery is None:
            create_delivery(session=session, subscriber=subscriber, stream=stream)
            delivery = session.scalar(query)  # None: another relay process holds it
        return delivery

    def _send(self, session: Session, subscriber: str, stream: str, rows: list[Any],
              acked: int) -> int:
        node = self.node
        key = (subscriber, stream)
        body, root, leaves = wire.batch_body(node.member, stream, rows)
        env = envelope.make(node.member, subscriber, "batch", stream, root)
        detail = {"first": rows[0].seq, "last": rows[-1].seq, "leaves": leaves}
        peer = node.descriptor.members[subscriber]
        try:
            response = self.peers.get(subscriber).post(
                f"{peer.base_url}/exchange/events/{stream}", content=body,
                headers=wire.signed(node, env))
            applied_seq, error = self._check_ack(env, response)
        except (httpx.HTTPError, Refusal) as exc:
            if isinstance(exc, Refusal):
                self._fail(session, key, exc.code, exc.detail, env, detail)
            else:
                self._fail(session, key, "unavailable", str(exc) or type(exc).__name__, env,
                           detail)
            return 0
        delivery = session.get(Delivery, key)
        assert delivery is not None
        delivery.acked_seq = max(delivery.acked_seq, applied_seq)
        delivery.updated_at = clock.now()
        delivery.last_error = error
        audit.record(
            session=session,
            node=node,
            direction="out",
            peer=subscriber,
            kind="batch",
            name=stream,
            message_id=env.message_id,
            digest=root,
            outcome="ok" if not error else "partial",
            detail=json.dumps(
                {**detail, "applied_seq": applied_seq, "error": error}, ensure_ascii=False
            ),
        )
        self._audit_personal(session, subscriber, stream, env, rows, acked, applied_seq)
        if error or applied_seq < rows[-1].seq:
            self._backoff(key)
        else:
            self._failures.pop(key, None)
            self._retry_at.pop(key, None)
        return max(0, applied_seq - acked)

    def _audit_personal(self, session: Session, subscriber: str, stream: str,
                        env: envelope.Envelope, rows: list[Any], acked: int,
                        applied_seq: int) -> None:
        """One entry per newly applied event that carried a person's data, naming them and the
        ground it was sent on (their data-use log is read from these entries)."""
        for row in rows:
            key = f"{stream}:{row.event_type}"
            if key not in registry.PERSONAL or not acked < row.seq <= applied_seq:
                continue
            subject, basis = registry.carried(key, json.loads(row.payload), session=session)
            if subject:
                audit.record(
                    session=session,
                    node=self.node,
                    direction="out",
                    peer=subscriber,
                    kind="event",
                    name=stream,
                    message_id=env.message_id,
                    digest=row.digest,
                    outcome="ok",
                    subject=subject,
                    basis=basis,
                    detail=json.dumps({"seq": row.seq, "type": row.event_type}),
                )

    def _check_ack(self, sent: envelope.Envelope,
                   response: httpx.Response) -> tuple[int, str | None]:
        try:
            ack, signature = wire.read_envelope(response.headers)
        except Refusal:
            unsigned = {413: "too_large", 429: "rate_limited"}.get(
                response.status_code, "unavailable" if response.status_code >= 500 else None)
            if unsigned is None:
                raise
            raise Refusal(unsigned, f"{sent.receiver} answered HTTP {response.status_code} "
                          f"without a signed acknowledgement") from None
        wire.check_answer(self.node, sent, response.headers, response.content)
        data = json.loads(response.content)
        if response.status_code != 200:
            raise Refusal(str(data.get("code", "refused")), str(data.get("detail", "")))
        return int(data["applied_seq"]), data.get("error")

    def _fail(self, session: Session, key: tuple[str, str], code: str, message: str,
              env: envelope.Envelope, detail: dict[str, object]) -> None:
        log.warning("delivery of %s to %s failed (%s): %s", key[1], key[0], code, message)
        if code == "too_large":
            self.limits.forget(key[0])  # the subscriber's limit changed: ask it again
        delivery = session.get(Delivery, key)
        if delivery is not None:
            delivery.attempts += 1
            delivery.last_error = f"{code}: {message}"[:500]
            delivery.updated_at = clock.now()
        audit.record(session=session, node=self.node, direction="out", peer=key[0], kind="batch",
                     name=key[1], message_id=env.message_id, digest=env.digest, outcome=code,
                     detail=json.dumps({**detail, "error": message}, ensure_ascii=False))
        self._backoff(key)

    def _backoff(self, key: tuple[str, str]) -> None:
        failures = self._failures.get(key, 0) + 1
        self._failures[key] = failures
        delay = min(self.node.settings.relay_max_backoff_s, 0.1 * 2 ** (failures - 1))
        self._retry_at[key] = time.monotonic() + delay


def create_delivery(*, session: Session, subscriber: str, stream: str) -> None:
    """The (subscriber, stream) delivery cursor at 0, unless it exists: relays racing to create
    it leave one row and no error."""
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    session.execute(insert(Delivery).values(subscriber=subscriber, stream=stream, acked_seq=0,
                                            attempts=0).on_conflict_do_nothing())
