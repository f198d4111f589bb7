"""Refusals of unauthenticated exchange requests, counted per client address with `limits`.

Each address may have `per_minute` refusals a minute audited one by one (each a bounded
record); past that it is answered 429 and its refusals are only counted: one summary entry per
address and minute goes to the audit log instead. Counts live in the serving process, like the
sign-in throttle's.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from chuanyu.core import clock

if TYPE_CHECKING:
    from chuanyu.node import Node

SUMMARY_EVERY = timedelta(minutes=1)
MAX_ADDRESSES = 10_000  # tallies kept at once; the oldest goes first
EXTRA_KEY = "exchange.refusal_throttle"


@dataclass
class Tally:
    """Refusals of one address counted since the last summary written."""

    address: str
    count: int
    first_at: datetime
    last_at: datetime
    written_at: datetime | None = None


class RefusalThrottle:
    """Says whether an address's next refusal may be audited, and counts those that may not."""

    def __init__(self, per_minute: int) -> None:
        self.limit = parse(f"{per_minute}/minute")
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self._tallies: dict[str, Tally] = {}
        self._lock = threading.Lock()

    def admit(self, address: str) -> bool:
        """Count one refusal; True while the address is within its allowance."""
        return bool(self.limiter.hit(self.limit, "exchange-refusal", address))

    def count(self, address: str) -> Tally | None:
        """Count a refusal that is not audited; the tally to write down when one is due."""
        now = clock.now()
        with self._lock:
            tally = self._tallies.get(address)
            if tally is None:
                if len(self._tallies) >= MAX_ADDRESSES:
                    self._tallies.pop(next(iter(self._tallies)))
                tally = self._tallies[address] = Tally(address, 0, now, now)
            if tally.count == 0:
                tally.first_at = now
            tally.count += 1
            tally.last_at = now
            if tally.written_at is not None and now - tally.written_at < SUMMARY_EVERY:
                return None
            due = replace(tally)
            tally.count, tally.written_at = 0, now
            return due

    def unwritten(self, address: str) -> Tally | None:
        """Refusals of the address counted since its last summary (it is admitted again)."""
        with self._lock:
            tally = self._tallies.pop(address, None)
        return tally if tally is not None and tally.count else None


def for_node(node: Node) -> RefusalThrottle:
    """The node's throttle, made on first use."""
    throttle = node.extras.get(EXTRA_KEY)
    if throttle is None:
        throttle = node.extras.setdefault(
            EXTRA_KEY, RefusalThrottle(node.settings.exchange_refusals_per_minute))
    assert isinstance(throttle, RefusalThrottle)
    return throttle
