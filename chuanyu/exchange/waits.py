"""Honest waits: a page asks the other region, waits a short budget, and otherwise says it is
waiting while the call goes on in the background.

`ask(node, key, call, budget_s)` runs `call` (which makes the exchange call, in its own session)
on the node's small pool of worker threads and waits at most `budget_s` for it. Calls are keyed
by what was asked, so the page's next load (its own refresh, or the visitor's) picks up the same
call instead of starting another: `pending` until it ends, then `done` with its value or
`failed` with its error, handed to the first request that asks after it ended. A failed call is
forgotten once reported, so the next load tries again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

if TYPE_CHECKING:
    from chuanyu.node import Node

T = TypeVar("T")
State = Literal["done", "pending", "failed"]

WORKERS = 4
MAX_PENDING = 64  # calls waiting at once; past that, refuse rather than queue without end
KEEP_S = 600.0  # an answer nobody came back for is dropped after this long


class TooManyWaiting(Exception):
    """Too many calls to the other region are already waiting on this node."""


@dataclass
class Outcome(Generic[T]):
    """What a page can show now: the answer, that it is still waiting, or why it failed."""

    state: State
    value: T | None = None
    error: BaseException | None = None
    waited_s: float = 0.0


@dataclass
class _Entry:
    future: Future[Any]
    started: float


class Waits:
    """The calls of one node that pages are waiting on."""

    def __init__(self, *, workers: int = WORKERS, max_pending: int = MAX_PENDING,
                 keep_s: float = KEEP_S) -> None:  # fmt: skip
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="waits")
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        self.max_pending = max_pending
        self.keep_s = keep_s

    def ask(self, key: str, call: Callable[[], T], *, budget_s: float) -> Outcome[T]:
        """The outcome of `call` for `key`, waiting at most `budget_s` seconds."""
        now = time.monotonic()
        with self._lock:
            self._purge(now)
            entry = self._entries.get(key)
            if entry is None:
                if sum(not e.future.done() for e in self._entries.values()) >= self.max_pending:
                    return Outcome("failed", error=TooManyWaiting("对方地区的请求过多，请稍后再试"))
                entry = self._entries[key] = _Entry(self._pool.submit(call), now)
        try:
            value = entry.future.result(timeout=budget_s)
        except TimeoutError:
            return Outcome("pending", waited_s=time.monotonic() - entry.started)
        except Exception as exc:  # the call's own error, reported to the page
            self._forget(key, entry)
            return Outcome("failed", error=exc, waited_s=time.monotonic() - entry.started)
        self._forget(key, entry)
        return Outcome("done", value=value, waited_s=time.monotonic() - entry.started)

    def _forget(self, key: str, entry: _Entry) -> None:
        with self._lock:
            if self._entries.get(key) is entry:
                del self._entries[key]

    def _purge(self, now: float) -> None:
        for key in [k for k, e in self._entries.items()
                    if e.future.done() and now - e.started > self.keep_s]:
            del self._entries[key]

    def close(self) -> None:
        """Stop taking calls; running ones finish on their own."""
        self._pool.shutdown(wait=False, cancel_futures=True)


_lock = threading.Lock()


def for_node(node: Node) -> Waits:
    """The node's waits, created on first use and closed with the node."""
    with _lock:
        waits = node.extras.get("exchange.waits")
        if waits is None:
            waits = node.extras["exchange.waits"] = Waits()
            node.closers.append(waits.close)
    return waits  # type: ignore[no-any-return]


def ask(node: Node, key: str, call: Callable[[], T], *, budget_s: float | None = None
        ) -> Outcome[T]:  # fmt: skip
    """`Waits.ask` on the node's waits, with the node's page budget by default."""
    budget = node.settings.cross_region_wait_s if budget_s is None else budget_s
    return for_node(node).ask(key, call, budget_s=budget)
