"""States and code lists of business registration."""

from __future__ import annotations

from enum import StrEnum


class EnterpriseType(StrEnum):
    """Enterprise types a market regulator registers (the 类型 line of a licence)."""

    LLC_NATURAL_PERSONS = "有限责任公司(自然人投资或控股)"
    LLC_SOLE_NATURAL_PERSON = "有限责任公司(自然人独资)"
    LLC_SOLE_LEGAL_PERSON = "有限责任公司(法人独资)"
    JOINT_STOCK = "股份有限公司(非上市、自然人投资或控股)"
    SOLE_PROPRIETORSHIP = "个人独资企业"
    GENERAL_PARTNERSHIP = "普通合伙企业"
    LIMITED_PARTNERSHIP = "有限合伙企业"
    FARMERS_COOPERATIVE = "农民专业合作社"


class LicenceStatus(StrEnum):
    """Whether a licence is in force."""

    ACTIVE = "active"
    REVOKED = "revoked"


class VerifyOutcome(StrEnum):
    """The answer of a licence verification, the same on both sides."""

    VALID = "valid"
    REVOKED = "revoked"
    UNKNOWN = "unknown"
    FORGED = "forged"


OUTCOME_LABELS: dict[VerifyOutcome, str] = {
    VerifyOutcome.VALID: "有效",
    VerifyOutcome.REVOKED: "已吊销",
    VerifyOutcome.UNKNOWN: "查无此照",
    VerifyOutcome.FORGED: "伪造或被篡改",
}

STATUS_LABELS: dict[LicenceStatus, str] = {
    LicenceStatus.ACTIVE: "存续",
    LicenceStatus.REVOKED: "吊销",
}
