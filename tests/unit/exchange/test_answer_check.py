"""One verifier for every answer a node receives: a call's reply and a batch's acknowledgement."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from chuanyu.core import clock
from chuanyu.exchange import envelope, signing, wire
from chuanyu.exchange.guard import Refusal

START = datetime(2020, 7, 8, 4, 0, tzinfo=UTC)
KEYS = {"CQ": signing.generate_key(), "SC": signing.generate_key()}


class _Descriptor:
    members = dict.fromkeys(KEYS)

    @staticmethod
    def public_key(member: str) -> Any:
        return KEYS[member].public_key()


# The fields of a node the verifier reads (a fake at the real boundary: keys and settings).
CQ = SimpleNamespace(member="CQ", descriptor=_Descriptor(),
                     settings=SimpleNamespace(max_clock_skew_s=300))


def _answer(sent: envelope.Envelope, body: bytes, *, signer: str = "SC",
            **changes: str) -> dict[str, str]:
    env = replace(sent.answer(wire.ANSWER_KIND[sent.kind], wire.body_digest(body)), **changes)
    return env.headers(signing.sign(KEYS[signer], env.signing_bytes()))


@pytest.mark.parametrize("kind", ["call", "batch"])
def test_a_fresh_signed_answer_is_accepted(kind: str) -> None:
    with clock.freeze(START):
        sent = envelope.make("CQ", "SC", kind, "exchange.ping", signing.digest(b"{}"))
        answer = wire.check_answer(CQ, sent, _answer(sent, b"{}"), b"{}")  # type: ignore[arg-type]
    assert answer.in_reply_to == sent.message_id and answer.sender == "SC"


@pytest.mark.parametrize("kind", ["call", "batch"])
def test_an_answer_outside_the_clock_skew_is_refused_as_stale(kind: str) -> None:
    with clock.freeze(START):
        sent = envelope.make("CQ", "SC", kind, "exchange.ping", signing.digest(b"{}"))
        late = (START + timedelta(seconds=301)).isoformat()
        headers = _answer(sent, b"{}", timestamp=late)
        with pytest.raises(Refusal) as info:
            wire.check_answer(CQ, sent, headers, b"{}")  # type: ignore[arg-type]
    assert info.value.code == "stale"


@pytest.mark.parametrize(("body", "signer", "changes", "code"), [
    (b"{}", "CQ", {}, "bad_signature"),  # signed by the wrong member
    (b'{"x": 1}', "SC", {}, "bad_signature"),  # body swapped after signing
    (b"{}", "SC", {"in_reply_to": "f" * 32}, "bad_payload"),  # answers another message
    (b"{}", "SC", {"kind": "call"}, "bad_payload"),  # not an answer at all
])
def test_an_answer_that_does_not_hold_is_refused(body: bytes, signer: str,
                                                  changes: dict[str, str], code: str) -> None:
    with clock.freeze(START):
        sent = envelope.make("CQ", "SC", "batch", "jobs.postings", signing.digest(b"{}"))
        headers = _answer(sent, b"{}", signer=signer, **changes)
        with pytest.raises(Refusal) as info:
            wire.check_answer(CQ, sent, headers, body)  # type: ignore[arg-type]
    assert info.value.code == code
