"""The federation descriptor: members, their keys and services, access rights; signed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from chuanyu.core import clock
from chuanyu.exchange import signing
from chuanyu.exchange.envelope import canonical_json

DESCRIPTOR_FILE = "federation.json"
ANCHOR_FILE = "joint_office.pub"
JOINT_OFFICE_KEY = "joint_office.key"

DEFAULT_MEMBERS: dict[str, dict[str, str]] = {
    "CQ": {"name": "重庆市", "region_code": "500000", "base_url": "http://127.0.0.1:8001"},
    "SC": {"name": "四川省", "region_code": "510000", "base_url": "http://127.0.0.1:8002"},
}


class DescriptorError(Exception):
    """The descriptor is missing, malformed or not signed by the joint office."""


@dataclass(frozen=True)
class Member:
    """One region node of the federation."""

    id: str
    name: str
    region_code: str
    base_url: str
    public_key: str
    # SHA-256 of the member's TLS certificate (DER, hex); empty when no certificate is pinned.
    tls_fingerprint: str = ""


class Descriptor:
    """A verified federation descriptor."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.members = {m["id"]: Member(**m) for m in data["members"]}
        self._keys = {m: signing.load_public_key(x.public_key) for m, x in self.members.items()}
        self._calls = {(a["caller"], a["provider"], a["service"]) for a in data["access"]}
        self._subs = {(s["subscriber"], s["producer"], s["stream"]) for s in data["subscriptions"]}

    def public_key(self, member: str) -> Ed25519PublicKey:
        """The member's public key; KeyError for an unknown member."""
        return self._keys[member]

    def may_call(self, caller: str, provider: str, service: str) -> bool:
        """True when `caller` may call `service` on `provider`."""
        return (caller, provider, service) in self._calls

    def may_subscribe(self, subscriber: str, producer: str, stream: str) -> bool:
        """True when `subscriber` may receive `producer`'s `stream`."""
        return (subscriber, producer, stream) in self._subs

    def subscriptions_of(self, producer: str) -> list[tuple[str, str]]:
        """(subscriber, stream) pairs fed by `producer`, in a stable order."""
        return sorted((s, st) for s, p, st in self._subs if p == producer)

    def peers(self, member: str) -> list[Member]:
        """Every other member."""
        return [m for k, m in sorted(self.members.items()) if k != member]


def _signed_part(data: dict[str, Any]) -> bytes:
    return canonical_json({k: v for k, v in data.items() if k != "signature"})


def load(directory: Path) -> Descriptor:
    """Read the descriptor and verify it against the joint office's key (the trust anchor)."""
    path, anchor = directory / DESCRIPTOR_FILE, directory / ANCHOR_FILE
    if not path.exists() or not anchor.exists():
        raise DescriptorError(f"no federation in {directory}: run `chuanyu federation init`")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        key = signing.load_public_key(anchor.read_text().strip())
    except (ValueError, OSError) as exc:
        raise DescriptorError(f"unreadable federation descriptor: {exc}") from exc
    if not signing.verify(key, data.get("signature", ""), _signed_part(data)):
        raise DescriptorError("federation descriptor signature does not verify; refusing to start")
    return Descriptor(data)


def member_key_path(directory: Path, member: str) -> Path:
    """Where a member's private key lives."""
    return directory / "keys" / f"{member}.key"


def _key(path: Path, keep: bool) -> Any:
    if keep and path.exists():
        return signing.read_private_key(path)
    key = signing.generate_key()
    signing.write_private_key(key, path)
    return key


def init(
    directory: Path,
    *,
    urls: dict[str, str] | None = None,
    services: dict[str, list[str]] | None = None,
    streams: dict[str, list[str]] | None = None,
    deny_calls: set[tuple[str, str, str]] | None = None,
    keep_keys: bool = True,
    tls_fingerprints: dict[str, str] | None = None,
) -> Descriptor:
    """Create (or re-sign) the federation: keys, descriptor, trust anchor.

    `services` / `streams` map each member to what it offers; every other member is granted
    access to each, except the (caller, provider, service) triples in `deny_calls`;
    `tls_fingerprints` pins members' TLS certificates (SHA-256, hex).
    """
    directory.mkdir(parents=True, exist_ok=True)
    office = _key(directory / JOINT_OFFICE_KEY, keep_keys)
    members = []
    for member_id, info in DEFAULT_MEMBERS.items():
        key = _key(member_key_path(directory, member_id), keep_keys)
        base_url = (urls or {}).get(member_id, info["base_url"])
        members.append({**info, "id": member_id, "base_url": base_url,
                        "public_key": signing.public_key_text(key),
                        "tls_fingerprint": (tls_fingerprints or {}).get(member_id, "")})
    ids = [m["id"] for m in members]
    services = services or {m: [] for m in ids}
    streams = streams or {m: [] for m in ids}
    deny = deny_calls or set()
    access = [
        {"caller": caller, "provider": provider, "service": service}
        for provider in ids for service in sorted(services.get(provider, []))
        for caller in ids if caller != provider and (caller, provider, service) not in deny
    ]
    subscriptions = [
        {"subscriber": sub, "producer": producer, "stream": stream}
        for producer in ids for stream in sorted(streams.get(producer, []))
        for sub in ids if sub != producer
    ]
    data: dict[str, Any] = {
        "federation": "chuanyu",
        "version": clock.now().isoformat(),
        "joint_office": "推动成渝地区双城经济圈建设联合办公室",
        "members": members,
        "services": {m: sorted(services.get(m, [])) for m in ids},
        "streams": {m: sorted(streams.get(m, [])) for m in ids},
        "access": access,
        "subscriptions": subscriptions,
    }
    _write(directory, office, data)
    (directory / ANCHOR_FILE).write_text(signing.public_key_text(office) + "\n")
    return Descriptor(data)


def _write(directory: Path, office: Any, data: dict[str, Any]) -> None:
    data["signature"] = signing.sign(office, _signed_part(data))
    (directory / DESCRIPTOR_FILE).write_text(
        json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8"
    )


def set_tls(directory: Path, member: str, fingerprint: str, base_url: str | None = None
            ) -> Descriptor:
    """Pin `member`'s TLS certificate (and optionally move it to an https URL); re-signed."""
    load(directory)  # refuse to re-sign a descriptor that does not verify
    data = json.loads((directory / DESCRIPTOR_FILE).read_text(encoding="utf-8"))
    entry = next((m for m in data["members"] if m["id"] == member), None)
    if entry is None:
        raise DescriptorError(f"{member} is not a member of this federation")
    entry["tls_fingerprint"] = fingerprint
    if base_url is not None:
        entry["base_url"] = base_url
    data["version"] = clock.now().isoformat()
    _write(directory, signing.read_private_key(directory / JOINT_OFFICE_KEY), data)
    return Descriptor(data)
