"""Envelopes, signatures and digest trees."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chuanyu.exchange import envelope, signing
from chuanyu.exchange.envelope import EnvelopeError


def test_signature_verifies_only_for_the_signed_bytes_and_key() -> None:
    key, other = signing.generate_key(), signing.generate_key()
    sig = signing.sign(key, b"hello")
    assert signing.verify(key.public_key(), sig, b"hello")
    assert not signing.verify(key.public_key(), sig, b"hellO")
    assert not signing.verify(other.public_key(), sig, b"hello")
    assert not signing.verify(key.public_key(), "not base64!!", b"hello")


def test_private_key_is_written_owner_only_and_reads_back(tmp_path: Path) -> None:
    key = signing.generate_key()
    path = tmp_path / "keys" / "CQ.key"
    signing.write_private_key(key, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = signing.read_private_key(path)
    assert signing.public_key_text(again) == signing.public_key_text(key)


def test_envelope_round_trips_through_headers_and_signature_covers_every_field() -> None:
    key = signing.generate_key()
    env = envelope.make("CQ", "SC", "call", "exchange.ping", signing.digest(b"{}"))
    headers = env.headers(signing.sign(key, env.signing_bytes()))
    parsed, sig = envelope.from_headers(headers)
    assert parsed == env
    assert signing.verify(key.public_key(), sig, parsed.signing_bytes())
    for field in ("sender", "receiver", "name", "message_id", "timestamp", "digest"):
        changed = dict(headers)
        name = "x-chuanyu-" + field.replace("_", "-")
        changed[name] = changed[name][:-1] + ("0" if changed[name][-1] != "0" else "1")
        tampered, sig2 = envelope.from_headers(changed) if field != "timestamp" else (None, None)
        if tampered is not None:
            assert not signing.verify(key.public_key(), sig2 or "", tampered.signing_bytes())


@pytest.mark.parametrize("missing", ["x-chuanyu-sender", "x-chuanyu-signature",
                                     "x-chuanyu-digest"])
def test_envelope_with_a_missing_header_is_rejected(missing: str) -> None:
    env = envelope.make("CQ", "SC", "call", "x", "d")
    headers = env.headers("sig")
    del headers[missing]
    with pytest.raises(EnvelopeError):
        envelope.from_headers(headers)


def test_merkle_root_of_one_leaf_is_the_leaf_and_order_matters() -> None:
    a, b = signing.digest(b"a"), signing.digest(b"b")
    assert signing.merkle_root([a]) == a
    expected = hashlib.sha256(bytes.fromhex(a) + bytes.fromhex(b)).hexdigest()
    assert signing.merkle_root([a, b]) == expected
    assert signing.merkle_root([b, a]) != expected


@given(st.lists(st.binary(max_size=16), min_size=1, max_size=40), st.data())
def test_changing_any_leaf_changes_the_root(blobs: list[bytes], data: st.DataObject) -> None:
    leaves = [signing.digest(b + bytes([i % 256])) for i, b in enumerate(blobs)]
    index = data.draw(st.integers(0, len(leaves) - 1))
    changed = list(leaves)
    changed[index] = signing.digest(b"changed" + leaves[index].encode())
    assert signing.merkle_root(changed) != signing.merkle_root(leaves)
