"""Envelope fields, batch events and the refusal throttle, checked without a node."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chuanyu.core import clock
from chuanyu.exchange import envelope, signing, wire
from chuanyu.exchange.envelope import EnvelopeError
from chuanyu.exchange.guard import Refusal
from chuanyu.exchange.throttle import RefusalThrottle

START = datetime(2020, 7, 8, 4, 0, tzinfo=UTC)


def _headers(**changes: str) -> dict[str, str]:
    env = envelope.make("CQ", "SC", "call", "exchange.ping", signing.digest(b"{}"))
    headers = env.headers("c2lnbmF0dXJl")
    headers.update({envelope.HEADER_PREFIX + k.replace("_", "-"): v for k, v in changes.items()})
    return headers


@pytest.mark.parametrize(("field", "value"), [
    ("timestamp", "2020-07-08T12:00:00"),
    ("timestamp", "2020-07-08"),
    ("timestamp", "1594180800"),
    ("sender", "CQ" * 20),
    ("message_id", "x" * 65),
    ("message_id", "id with spaces"),
    ("kind", "shutdown"),
    ("digest", "not-a-digest"),
    ("name", "n" * 65),
])
def test_malformed_envelope_field_is_named_and_the_raw_envelope_kept(field: str,
                                                                      value: str) -> None:
    with pytest.raises(EnvelopeError) as info:
        envelope.from_headers(_headers(**{field: value}))
    assert [e["field"] for e in info.value.errors] == [field]
    assert info.value.raw is not None and getattr(info.value.raw, field) == value


def test_malformed_envelope_is_a_bad_envelope_refusal() -> None:
    with pytest.raises(Refusal) as info:
        wire.read_envelope(_headers(timestamp="2020-07-08"))
    assert (info.value.code, info.value.status, info.value.verified) == ("bad_envelope", 400,
                                                                         False)


def test_zoned_timestamps_are_accepted() -> None:
    for stamp in ("2020-07-08T12:00:00+08:00", "2020-07-08T04:00:00Z",
                  "2020-07-08T04:00:00.123456+00:00"):
        env, _ = envelope.from_headers(_headers(timestamp=stamp))
        assert env.sent_at().tzinfo is not None


def _event(seq: object, **kw: object) -> dict[str, object]:
    return {"seq": seq, "type": "probe", "payload": "{}", "digest": "a" * 64, **kw}


@pytest.mark.parametrize(("event", "field"), [
    (_event(2**63), "events.0.seq"),
    (_event(0), "events.0.seq"),
    (_event("5"), "events.0.seq"),
    (_event(1.5), "events.0.seq"),
    (_event(1, type="t" * 65), "events.0.type"),
    (_event(1, payload={"note": 1}), "events.0.payload"),
])
def test_impossible_batch_event_is_a_signed_bad_payload(event: dict[str, object],
                                                        field: str) -> None:
    with pytest.raises(Refusal) as info:
        wire.checked_events([event])
    assert (info.value.code, info.value.verified) == ("bad_payload", True)
    assert [e["field"] for e in info.value.errors] == [field]


def test_largest_seq_is_accepted() -> None:
    assert wire.checked_events([_event(2**63 - 1)])[0].seq == 2**63 - 1


def test_refusal_detail_is_capped() -> None:
    assert len(Refusal("unknown_member", "x" * 10_000).detail) == 300


def test_throttle_admits_the_allowance_then_counts_in_summaries() -> None:
    throttle = RefusalThrottle(per_minute=3)
    assert [throttle.admit("10.0.0.1") for _ in range(4)] == [True, True, True, False]
    assert throttle.admit("10.0.0.2"), "another address has its own allowance"
    with clock.freeze(START):
        first = throttle.count("10.0.0.1")
        assert first is not None and first.count == 1
        assert [throttle.count("10.0.0.1") for _ in range(5)] == [None] * 5
    with clock.freeze(START + timedelta(seconds=61)):
        due = throttle.count("10.0.0.1")
    assert due is not None and due.count == 6
    assert due.first_at == START and due.last_at == START + timedelta(seconds=61)
    assert throttle.unwritten("10.0.0.1") is None


def test_counted_refusals_not_yet_summarised_are_handed_over_once() -> None:
    throttle = RefusalThrottle(per_minute=1)
    with clock.freeze(START):
        throttle.count("10.0.0.1")
        throttle.count("10.0.0.1")
        throttle.count("10.0.0.1")
    pending = throttle.unwritten("10.0.0.1")
    assert pending is not None and pending.count == 2
    assert throttle.unwritten("10.0.0.1") is None
