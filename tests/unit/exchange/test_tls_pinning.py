"""Pinning members' TLS certificates in the signed federation descriptor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chuanyu.exchange import federation, transport


def test_set_tls_pins_a_fingerprint_in_a_descriptor_that_still_verifies(tmp_path: Path) -> None:
    federation.init(tmp_path)
    fingerprint = "AB:" * 31 + "AB"
    federation.set_tls(tmp_path, "SC", transport.normalise(fingerprint),
                       base_url="https://127.0.0.1:8443")
    member = federation.load(tmp_path).members["SC"]
    assert member.tls_fingerprint == "ab" * 32
    assert member.base_url == "https://127.0.0.1:8443"
    assert federation.load(tmp_path).members["CQ"].tls_fingerprint == ""


def test_fingerprint_edited_by_hand_breaks_the_descriptor_signature(tmp_path: Path) -> None:
    federation.init(tmp_path, tls_fingerprints={"CQ": "cd" * 32})
    path = tmp_path / federation.DESCRIPTOR_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    data["members"][0]["tls_fingerprint"] = "ef" * 32
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(federation.DescriptorError):
        federation.load(tmp_path)


def test_unknown_member_cannot_be_pinned(tmp_path: Path) -> None:
    federation.init(tmp_path)
    with pytest.raises(federation.DescriptorError):
        federation.set_tls(tmp_path, "GZ", "ab" * 32)
