"""The depositor's consent: a signed, expiring, single-use token.

The depositor consents at the lending centre, so the lending node signs the token with its node
key. The depositing node verifies it against the lending node's public key from the federation
descriptor, checks it is bound to this depositor and to the calling centre, and records the
consent id so it can be used only once (that last check needs the database: see service).
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, ValidationError

from chuanyu.exchange import signing
from chuanyu.exchange.envelope import canonical_json
from chuanyu.housing_fund.errors import ConsentExpired, ConsentInvalid, ConsentMissing

PURPOSE = "housing_fund.certificate"
DEFAULT_VALIDITY = timedelta(days=7)


class ConsentClaims(BaseModel):
    """What the depositor agreed to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    consent_id: str
    purpose: str
    depositor_id: str
    lending_member: str
    depositing_member: str
    issued_at: datetime
    expires_at: datetime


def new_claims(
    *,
    depositor_id: str,
    lending_member: str,
    depositing_member: str,
    now: datetime,
    validity: timedelta = DEFAULT_VALIDITY,
) -> ConsentClaims:
    """Claims for a fresh consent given now."""
    return ConsentClaims(
        consent_id=uuid.uuid4().hex,
        purpose=PURPOSE,
        depositor_id=depositor_id,
        lending_member=lending_member,
        depositing_member=depositing_member,
        issued_at=now,
        expires_at=now + validity,
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode(claims: ConsentClaims, sign: Callable[[bytes], str]) -> str:
    """The token: base64url(canonical claims) "." signature, signed by the lending node."""
    payload = _b64(canonical_json(claims.model_dump(mode="json")))
    return f"{payload}.{sign(payload.encode())}"


def peek(token: str) -> ConsentClaims:
    """Read the claims without checking the signature (for display and routing only)."""
    try:
        payload, _signature = token.split(".", 1)
        return ConsentClaims.model_validate(json.loads(_unb64(payload)))
    except (ValueError, binascii.Error, ValidationError) as exc:
        raise ConsentInvalid(detail="授权同意书格式无效") from exc


def verify(
    token: str | None,
    *,
    public_key: Ed25519PublicKey,
    caller: str,
    me: str,
    depositor_id: str,
    now: datetime,
) -> ConsentClaims:
    """Check signature, binding and expiry; raise a consent error on any failure."""
    if not token:
        raise ConsentMissing()
    claims = peek(token)
    payload, signature = token.split(".", 1)
    if not signing.verify(public_key, signature, payload.encode()):
        raise ConsentInvalid(detail="授权同意书签名验证失败")
    if claims.purpose != PURPOSE:
        raise ConsentInvalid(detail="授权同意书的用途不是调取缴存使用证明")
    if claims.lending_member != caller or claims.depositing_member != me:
        raise ConsentInvalid(detail="授权同意书不是授予该贷款中心或本中心的")
    if claims.depositor_id != depositor_id:
        raise ConsentInvalid(detail="授权同意书与所查询的缴存职工不一致")
    if now >= claims.expires_at:
        raise ConsentExpired()
    return claims
