"""Honest waits: one call per key, pending until it ends, its answer handed over once."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from chuanyu.exchange.waits import TooManyWaiting, Waits


@pytest.fixture
def waits() -> Iterator[Waits]:
    pool = Waits(workers=2, max_pending=2)
    yield pool
    pool.close()


def test_a_slow_call_is_pending_then_its_answer_is_handed_to_the_next_ask(waits: Waits) -> None:
    gate = threading.Event()
    calls = []

    def call() -> str:
        calls.append(1)
        gate.wait()
        return "有效"

    assert waits.ask("k", call, budget_s=0).state == "pending"
    assert waits.ask("k", call, budget_s=0).state == "pending"  # joins, does not call again
    gate.set()
    done = waits.ask("k", call, budget_s=10)
    assert (done.state, done.value) == ("done", "有效")
    assert len(calls) == 1
    fresh = waits.ask("k", lambda: "again", budget_s=10)  # handed over: the next ask is new
    assert fresh.value == "again"


def test_a_failed_call_is_reported_once_and_the_next_ask_tries_again(waits: Waits) -> None:
    def broken() -> str:
        raise ConnectionError("peer down")

    failed = waits.ask("k", broken, budget_s=10)
    assert failed.state == "failed" and isinstance(failed.error, ConnectionError)
    assert waits.ask("k", lambda: "ok", budget_s=10).value == "ok"


def test_past_the_limit_of_waiting_calls_a_new_one_is_refused(waits: Waits) -> None:
    gate = threading.Event()
    try:
        for key in ("a", "b"):
            assert waits.ask(key, gate.wait, budget_s=0).state == "pending"
        refused = waits.ask("c", gate.wait, budget_s=0)
        assert refused.state == "failed" and isinstance(refused.error, TooManyWaiting)
    finally:
        gate.set()
