"""Sign-in throttling per account and per client address, with the `limits` library.

Only failed attempts count, in a moving window. Storage is `limits`' in-memory store by
default: each server process counts on its own, which suits one process per node; several
workers share counts through a shared store (`CHUANYU_LOGIN_THROTTLE_STORAGE`, e.g. a
`redis://` URI).
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

ACCOUNT_LIMIT = "10 per 15 minutes"
ADDRESS_LIMIT = "100 per 15 minutes"


class LoginThrottle:
    """Counts failed sign-ins; says how long an account or address must wait."""

    def __init__(self, storage_uri: str = "memory://", *, account: str = ACCOUNT_LIMIT,
                 address: str = ADDRESS_LIMIT) -> None:
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
        self.account: RateLimitItem = parse(account)
        self.address: RateLimitItem = parse(address)

    def _keys(self, username: str, address: str) -> list[tuple[RateLimitItem, str, str]]:
        return [(self.account, "account", username.strip().lower()),
                (self.address, "address", address)]

    def wait_seconds(self, username: str, address: str) -> int:
        """Seconds until another attempt is allowed; 0 when one is allowed now."""
        wait = 0.0
        for item, kind, key in self._keys(username, address):
            if not self.limiter.test(item, "login", kind, key):
                stats = self.limiter.get_window_stats(item, "login", kind, key)
                wait = max(wait, stats.reset_time - time.time())
        return math.ceil(wait) if wait > 0 else 0

    def failed(self, username: str, address: str) -> None:
        """Count one failed attempt against the account and the address."""
        for item, kind, key in self._keys(username, address):
            self.limiter.hit(item, "login", kind, key)

    def succeeded(self, username: str) -> None:
        """Forget the account's failures once its owner has signed in."""
        self.limiter.clear(self.account, "login", "account", username.strip().lower())


def wait_message(seconds: int) -> str:
    """The Chinese message telling how long to wait."""
    if seconds >= 60:
        return f"登录失败次数过多，请 {math.ceil(seconds / 60)} 分钟后再试"
    return f"登录失败次数过多，请 {seconds} 秒后再试"
