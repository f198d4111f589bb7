"""The depositor's consent, asked for by the lending node and issued by the depositor's home node.

1. The lending node signs a *consent request* (who, which application, for what, until when)
   and shows it to the applicant as a link and QR code to their home node.
2. The depositor signs in at home; the home node checks the request's signature against the
   lending node's key from the federation descriptor, shows exactly what would be shared, and
   on their word *issues the consent*: a row on the home node, signed with the home node's key,
   bound to the person, the requesting member, the service, the purpose and an expiry, usable
   once.
3. The certificate service honours only consents its own node issued (looked up by id).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, ValidationError

from chuanyu.exchange import signing
from chuanyu.exchange.envelope import canonical_json
from chuanyu.housing_fund.errors import ConsentInvalid

SERVICE = "housing_fund.certificate"
PURPOSE = "异地申请住房公积金个人住房贷款，贷款中心调取缴存使用证明"
REQUEST_VALIDITY = timedelta(days=7)
CONSENT_VALIDITY = timedelta(days=7)
STREAM = "housing_fund.consents"

Model = TypeVar("Model", bound=BaseModel)


class ConsentRequest(BaseModel):
    """What the lending node asks the depositor's home node to let the depositor decide."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    request_id: str
    service: str
    purpose: str
    depositor_id: str
    applicant_name: str
    application_no: str
    lending_member: str
    depositing_member: str
    issued_at: datetime
    expires_at: datetime


class ConsentClaims(BaseModel):
    """What the depositor agreed to, as the home node signs it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    consent_id: str
    request_id: str
    service: str
    purpose: str
    depositor_id: str
    lending_member: str
    depositing_member: str
    application_no: str
    issued_at: datetime
    expires_at: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode(model: BaseModel, sign: Callable[[bytes], str]) -> str:
    """A token: base64url(canonical JSON) "." signature of the signing node."""
    payload = _b64(canonical_json(model.model_dump(mode="json")))
    return f"{payload}.{sign(payload.encode())}"


def peek(token: str, model: type[Model]) -> Model:
    """Read a token's content without checking its signature (display and routing only)."""
    try:
        payload, _signature = token.split(".", 1)
        return model.model_validate(json.loads(_unb64(payload)))
    except (ValueError, binascii.Error, ValidationError) as exc:
        raise ConsentInvalid(detail="授权请求格式无效") from exc


def verify_request(
    token: str, *, public_key: Ed25519PublicKey, me: str, now: datetime
) -> ConsentRequest:
    """Check a consent request's signature, that it is addressed to this node, and its expiry."""
    request = peek(token, ConsentRequest)
    payload, signature = token.split(".", 1)
    if not signing.verify(public_key, signature, payload.encode()):
        raise ConsentInvalid(detail="授权请求签名验证失败")
    if request.depositing_member != me or request.service != SERVICE:
        raise ConsentInvalid(detail="该授权请求不是向本中心提出的")
    if now >= request.expires_at:
        raise ConsentInvalid(detail="该授权请求已过期，请在贷款地重新发起", code="request_expired")
    return request


def claims_bytes(claims: ConsentClaims) -> bytes:
    """The exact bytes the home node's signature covers."""
    return canonical_json(claims.model_dump(mode="json"))


def claims_signed(claims: ConsentClaims, signature: str, public_key: Ed25519PublicKey) -> bool:
    """True when the home node's signature over the claims verifies."""
    return signing.verify(public_key, signature, claims_bytes(claims))
