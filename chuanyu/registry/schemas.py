"""Pydantic shapes of business registration: the application, the licence, verification."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from chuanyu.core.fields import PlainText
from chuanyu.core.identifiers import ResidentId, is_valid_resident_id, normalize_resident_id
from chuanyu.core.messages import invalid_input
from chuanyu.core.pagination import Page
from chuanyu.registry import rules, uscc
from chuanyu.registry.enums import EnterpriseType, LicenceStatus, VerifyOutcome

MAX_CAPITAL = Decimal("9999999999999.99")


def _money(value: Any) -> Decimal:
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError("金额应为数字，单位元") from exc
    if not amount.is_finite() or amount <= 0:
        raise ValueError("金额应大于 0")
    # Bounded before quantize, which cannot represent huge amounts to the fen.
    if amount > MAX_CAPITAL:
        raise ValueError(f"金额过大（最多 {MAX_CAPITAL:,} 元）")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("金额最多保留两位小数（单位元）")
    return amount.quantize(Decimal("0.01"))


def _credit_code(value: str) -> str:
    try:
        return uscc.validate(value)
    except uscc.UsccError as exc:
        raise ValueError(str(exc)) from exc


def _person_or_entity_id(value: str) -> str:
    number = uscc.compact(value)
    if is_valid_resident_id(number):
        return normalize_resident_id(number)
    if uscc.is_valid(number):
        return uscc.validate(number)
    raise ValueError("应为有效的居民身份证号码（自然人）或统一社会信用代码（单位）")


def _division_code(value: str) -> str:
    from chuanyu import divisions

    code = value.strip()
    if len(code) != 6 or not code.isdigit():
        raise ValueError("行政区划代码应为 6 位数字")
    division = divisions.get(code)
    if division is None:
        raise ValueError(f"未知的行政区划代码：{code}")
    if division.level != divisions.COUNTY:
        raise ValueError(f"住所应落到区县一级：{code} {division.name} 不是区县")
    from chuanyu.core.clock import today

    if not division.in_force(today()):
        raise ValueError(f"行政区划代码 {code}（{division.name}）已停止使用")
    return code


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


Money = Annotated[Decimal, BeforeValidator(_money)]
CreditCode = Annotated[str, AfterValidator(_credit_code)]
PersonName = Annotated[PlainText, BeforeValidator(_stripped), Field(min_length=2, max_length=30)]


class LegalRepresentative(BaseModel):
    """The natural person who represents the enterprise."""

    name: PersonName
    id_number: ResidentId


class Domicile(BaseModel):
    """The registered address, in a county-level unit of the registering region."""

    address: Annotated[PlainText, BeforeValidator(_stripped), Field(min_length=4, max_length=200)]
    division_code: Annotated[str, AfterValidator(_division_code)]

    @property
    def region(self) -> str | None:
        """Member id of the region the domicile lies in."""
        return {"50": "CQ", "51": "SC"}.get(self.division_code[:2])


class Investor(BaseModel):
    """A shareholder, partner or member and the capital it subscribes."""

    name: Annotated[PlainText, BeforeValidator(_stripped), Field(min_length=2, max_length=100)]
    id_number: Annotated[str, AfterValidator(_person_or_entity_id)]
    subscribed_amount: Money

    @property
    def is_person(self) -> bool:
        """True for a natural person (resident ID), False for an entity (USCC)."""
        return is_valid_resident_id(self.id_number)

    def share(self) -> rules.InvestorShare:
        """The view the investor rules work on."""
        return rules.InvestorShare(self.id_number, self.is_person, self.subscribed_amount)


class RegistrationApplication(BaseModel):
    """An application to register an enterprise (设立登记), as the window receives it."""

    enterprise_type: EnterpriseType
    name: Annotated[PlainText, BeforeValidator(_stripped), Field(min_length=1, max_length=60)]
    registered_capital: Money
    legal_representative: LegalRepresentative
    domicile: Domicile
    business_scope: Annotated[
        PlainText, BeforeValidator(_stripped), Field(min_length=2, max_length=2000)
    ]
    investors: list[Investor] = Field(min_length=1, max_length=200)
    operating_years: int | None = Field(
        default=None, ge=1, le=100, description="营业期限（年）；不填为长期"
    )

    @field_validator("name")
    @classmethod
    def _name_fits_type(cls, value: str, info: ValidationInfo) -> str:
        kind = info.data.get("enterprise_type")
        problem = rules.name_problem(value, kind) if kind is not None else None
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("investors")
    @classmethod
    def _investors_fit(cls, value: list[Investor], info: ValidationInfo) -> list[Investor]:
        kind, capital = info.data.get("enterprise_type"), info.data.get("registered_capital")
        if kind is not None and capital is not None:
            shares = [i.share() for i in value]
            problem = rules.investor_problem(kind, shares, capital)
            representative = info.data.get("legal_representative")
            if problem is None and representative is not None:
                problem = rules.representative_problem(kind, representative.id_number, shares)
            if problem:
                raise ValueError(problem)
        return value

    @property
    def name_key(self) -> str:
        """The name as compared for uniqueness."""
        return rules.normalise_name(self.name)


class LicenceRead(BaseModel):
    """An electronic business licence (电子营业执照) as issued and signed."""

    model_config = ConfigDict(from_attributes=True)

    uscc: str
    name: str
    enterprise_type: EnterpriseType
    legal_representative: str
    registered_capital: Decimal
    business_scope: str
    established_date: date
    operating_from: date
    operating_until: date | None
    domicile: str
    division_code: str
    authority_name: str
    authority_division_code: str
    issuer_member: str
    issued_date: date
    issued_at: datetime
    case_number: str | None
    received_member: str
    status: LicenceStatus
    revoked_at: datetime | None = None
    revoke_reason: str | None = None
    digest: str
    signature: str
    qr_payload: str

    @property
    def capital_in_words(self) -> str:
        """Capital as printed: 壹佰万元整."""
        return rules.amount_in_words(self.registered_capital)

    @property
    def period_label(self) -> str:
        """营业期限 as printed: from … to … (or 长期)."""
        until = self.operating_until.strftime("%Y年%m月%d日") if self.operating_until else "长期"
        return f"{self.operating_from:%Y年%m月%d日} 至 {until}"

    @property
    def labels(self) -> dict[str, str]:
        """Captions for this enterprise type."""
        return rules.licence_labels(self.enterprise_type)

    @property
    def cross_region(self) -> bool:
        """True when the application was received at the other region's window."""
        return self.received_member != self.issuer_member


LicencePage = Page[LicenceRead]


class NameCheck(BaseModel):
    """A proposed enterprise name to check in the registering region."""

    name: Annotated[PlainText, BeforeValidator(_stripped), Field(min_length=1, max_length=60)]


class RevokeRequest(BaseModel):
    """Revocation (吊销) of a licence by its issuing authority."""

    reason: Annotated[PlainText, BeforeValidator(_stripped), Field(min_length=2, max_length=500)]


class VerifyRequest(BaseModel):
    """Verify a licence by its credit code or by the payload of its QR code (exactly one)."""

    uscc: CreditCode | None = None
    payload: Annotated[str, Field(max_length=1000)] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> VerifyRequest:
        if (self.uscc is None) == (self.payload is None or not self.payload.strip()):
            raise ValueError("请填写统一社会信用代码或二维码内容（二选一）")
        return self

    @classmethod
    def from_values(cls, uscc: str | None, payload: str | None) -> VerifyRequest:
        """The request from query or form values (blank means absent); InvalidInput if unusable."""
        values = {"uscc": (uscc or "").strip() or None, "payload": (payload or "").strip() or None}
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            raise invalid_input(exc) from None


class LicenceFacts(BaseModel):
    """The signed content of a licence: what the issuer's signature covers."""

    uscc: str
    name: str
    enterprise_type: str
    legal_representative: str
    registered_capital: str
    business_scope: str
    established_date: str
    operating_from: str
    operating_until: str | None
    domicile: str
    authority_name: str
    authority_division_code: str
    issuer_member: str
    issued_date: str


class VerifyResult(BaseModel):
    """The answer to a verification, with the signed facts the checker relied on."""

    outcome: VerifyOutcome
    reason: str
    uscc: str | None
    issuer_member: str | None
    checked_by: list[str] = Field(default_factory=list)
    facts: LicenceFacts | None = None
    digest: str | None = None
    signature: str | None = None
    status: LicenceStatus | None = None
    revoked_at: datetime | None = None
    licence: LicenceRead | None = None


class NameCheckResult(BaseModel):
    """Whether a name is free in a region and, when it is not, who holds it."""

    name: str
    region: str
    available: bool
    holder_name: str | None = None
    holder_uscc: str | None = None
    holder_authority: str | None = None
