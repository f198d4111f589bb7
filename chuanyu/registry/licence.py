"""The signed content of a licence, its QR payload, and the one check both regions run.

"异地同标": whichever region answers a verification, the decision comes from `assess`, fed with
the issuer's record and the issuer's public key from the federation descriptor.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from chuanyu.registry import uscc
from chuanyu.registry.enums import LicenceStatus, VerifyOutcome
from chuanyu.registry.schemas import LicenceFacts

PAYLOAD_PREFIX = "CYL1"
_SEPARATOR = "|"
_SIGNING_CONTEXT = "chuanyu.registry.licence.v1"

# (issuer member, message, base64 signature) -> True when the issuer signed the message.
SignatureCheck = Callable[[str, bytes, str], bool]


def canonical(facts: LicenceFacts) -> bytes:
    """The exact bytes the digest covers: sorted-key compact JSON, UTF-8."""
    body = facts.model_dump(mode="json")
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def digest(facts: LicenceFacts) -> str:
    """SHA-256 of the canonical facts, hex."""
    return hashlib.sha256(canonical(facts)).hexdigest()


def signed_message(*, code: str, issuer: str, facts_digest: str) -> bytes:
    """What the issuing node signs: the code, the issuer and the digest of the facts."""
    return _SEPARATOR.join((_SIGNING_CONTEXT, code, issuer, facts_digest)).encode()


@dataclass(frozen=True)
class QrPayload:
    """The verification data a licence's QR code carries."""

    uscc: str
    issuer: str
    digest: str
    signature: str

    def encode(self) -> str:
        """Compact text form: CYL1|code|issuer|digest|signature."""
        return _SEPARATOR.join(
            (PAYLOAD_PREFIX, self.uscc, self.issuer, self.digest, self.signature)
        )


class PayloadError(ValueError):
    """Text that is not a licence QR payload at all."""


def parse_payload(text: str) -> QrPayload:
    """Read a QR payload; raises `PayloadError` when the text does not have its shape."""
    parts = text.strip().split(_SEPARATOR)
    if len(parts) != 5 or parts[0] != PAYLOAD_PREFIX:
        raise PayloadError("二维码内容不是电子营业执照的核验数据")
    _, code, issuer, facts_digest, signature = parts
    if not (code and issuer and facts_digest and signature):
        raise PayloadError("二维码内容不完整")
    return QrPayload(uscc.compact(code), issuer, facts_digest.lower(), signature)


@dataclass(frozen=True)
class Record:
    """What the issuing region holds for a licence."""

    facts: LicenceFacts
    digest: str
    signature: str
    status: LicenceStatus


@dataclass(frozen=True)
class Assessment:
    """An outcome and a reason a person can read."""

    outcome: VerifyOutcome
    reason: str


def assess(
    *, record: Record | None, payload: QrPayload | None, check: SignatureCheck
) -> Assessment:
    """The verification decision, identical in both regions.

    Forgery is decided before anything else: an altered payload or an altered record is
    forged even when the licence it imitates is revoked or does not exist.
    """
    if payload is not None:
        message = signed_message(
            code=payload.uscc, issuer=payload.issuer, facts_digest=payload.digest
        )
        if not check(payload.issuer, message, payload.signature):
            return Assessment(VerifyOutcome.FORGED, "二维码中的签名与登记机关的公钥不符")
    if record is None:
        return Assessment(VerifyOutcome.UNKNOWN, "登记机关查无此统一社会信用代码的营业执照")
    facts = record.facts
    recomputed = digest(facts)
    if recomputed != record.digest:
        return Assessment(VerifyOutcome.FORGED, "执照记载事项与签名时的内容不符")
    message = signed_message(code=facts.uscc, issuer=facts.issuer_member, facts_digest=recomputed)
    if not check(facts.issuer_member, message, record.signature):
        return Assessment(VerifyOutcome.FORGED, "执照签名与登记机关的公钥不符")
    if payload is not None and (payload.uscc, payload.digest) != (facts.uscc, recomputed):
        return Assessment(VerifyOutcome.FORGED, "二维码内容与登记机关的记录不符")
    if record.status is LicenceStatus.REVOKED:
        return Assessment(VerifyOutcome.REVOKED, "该营业执照已被登记机关吊销")
    return Assessment(VerifyOutcome.VALID, "营业执照有效，记载事项与登记机关的记录一致")
