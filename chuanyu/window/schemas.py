"""Pydantic shapes of the window: what comes in at the edge and what goes out."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

from chuanyu import divisions
from chuanyu.core.fields import PlainText
from chuanyu.core.identifiers import normalize_resident_id
from chuanyu.core.pagination import Page
from chuanyu.registry import uscc
from chuanyu.window.enums import ApplicantKind, CaseStatus, HandlingMode, PayloadKind, Urgency


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _division(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if not divisions.is_valid(value):
        raise ValueError(f"未知的行政区划代码：{value}")
    return value


Text = Annotated[PlainText, BeforeValidator(_stripped)]


class ApplicantIn(BaseModel):
    """The applicant: a person by resident ID number, or an organisation by USCC."""

    model_config = ConfigDict(extra="forbid")

    kind: ApplicantKind = ApplicantKind.PERSON
    name: Annotated[Text, Field(min_length=2, max_length=100)]
    id_number: Annotated[Text, Field(min_length=1, max_length=30)]
    phone: Annotated[Text | None, Field(default=None, pattern=r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")]
    division_code: Annotated[str | None, BeforeValidator(_stripped)] = None

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, value: str, info: ValidationInfo) -> str:
        kind = info.data.get("kind", ApplicantKind.PERSON)
        if kind is ApplicantKind.PERSON:
            return normalize_resident_id(value)
        return uscc.validate(value)

    @field_validator("division_code")
    @classmethod
    def _division_code(cls, value: str | None) -> str | None:
        return _division(value)


class MaterialIn(BaseModel):
    """A tick on the materials checklist: the original was sighted at the window."""

    model_config = ConfigDict(extra="forbid")

    code: str
    original_sighted: bool = False


class CaseCreate(BaseModel):
    """An application as the window clerk registers it (the files come alongside)."""

    model_config = ConfigDict(extra="forbid")

    matter_code: Annotated[Text, Field(min_length=1, max_length=20)]
    # The region whose authority the clerk means to send the case to (checked against the matter).
    authority_member: Annotated[str | None, Field(default=None, pattern=r"^(CQ|SC)$")]
    applicant: ApplicantIn
    materials: list[MaterialIn] = Field(default_factory=list)
    application: dict[str, Any] | None = None
    note: Annotated[Text | None, Field(default=None, max_length=1000)]


class TransitionIn(BaseModel):
    """An action on a case with its reason; a supplement request names what to supply."""

    model_config = ConfigDict(extra="forbid")

    note: Annotated[Text | None, Field(default=None, max_length=1000)]
    materials: list[str] = Field(default_factory=list)
    # Why the one-time notice (一次性告知) was not enough: required for a second supplement request.
    repeat_reason: Annotated[Text | None, Field(default=None, max_length=1000)]


class UploadIn(BaseModel):
    """A file as received from a form or the API, before it is checked."""

    material_code: str
    filename: str
    content_type: str | None
    content: bytes


class MaterialSpecRead(BaseModel):
    """A checklist item of a matter."""

    code: str
    name: str
    required: bool
    original_required: bool
    note: str | None = None


class FeeRead(BaseModel):
    """A fee of a matter, in yuan."""

    item: str
    amount: Decimal
    basis: str | None = None


class MatterRead(BaseModel):
    """A matter of the catalogue."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    member: str
    name: str
    authority_name: str
    authority_division_code: str
    mode: HandlingMode
    mode_label: str
    time_limit_days: int
    limit_basis: str
    limit_verified: bool
    officer_role: str
    payload_kind: PayloadKind
    materials: list[MaterialSpecRead]
    fees: list[FeeRead]
    total_fee: Decimal


class AttachmentRead(BaseModel):
    """A material file: its digest always, its bytes only on the intake side."""

    id: int
    material_code: str
    filename: str
    content_type: str
    size: int
    sha256: str
    stored_here: bool
    event_seq: int


class CaseMaterialRead(BaseModel):
    """A checklist line of a case with the files given for it."""

    code: str
    name: str
    required: bool
    original_required: bool
    original_sighted: bool
    files: list[AttachmentRead]


class CaseEventRead(BaseModel):
    """One transition on a case's timeline."""

    seq: int
    action: str
    action_label: str
    from_status: str | None
    to_status: str
    status_label: str
    actor: str
    actor_name: str
    actor_role: str
    actor_member: str
    at: datetime
    note: str | None
    data: dict[str, Any] | None


class DueChangeRead(BaseModel):
    """A due date counted again, shown on the case's timeline."""

    action: str = "due_recomputed"
    action_label: str = "到期日重算"
    at: datetime
    old_due_date: date
    new_due_date: date
    old_provisional: bool
    new_provisional: bool
    reason: str
    actor: str


class CaseRead(BaseModel):
    """A case as a given viewer may see it (the ID number masked unless the role needs it)."""

    case_number: str
    matter_code: str
    matter_name: str
    intake_member: str
    authority_member: str
    authority_name: str
    cross_region: bool
    status: CaseStatus
    status_label: str
    applicant_kind: ApplicantKind
    applicant_name: str
    applicant_id_number: str
    applicant_phone: str | None
    applicant_division_code: str | None
    application: dict[str, Any] | None
    received_date: date
    received_at: datetime
    received_by: str
    limit_days: int
    used_days: int
    due_date: date
    # True while the due date rests on a law-based calendar, not an announced schedule.
    due_provisional: bool = False
    paused_on: date | None
    finished_on: date | None
    days_left: int | None
    overdue: bool
    urgency: Urgency
    on_time: bool | None
    result: dict[str, Any] | None
    materials: list[CaseMaterialRead]
    events: list[CaseEventRead]
    due_changes: list[DueChangeRead] = Field(default_factory=list)
    allowed_actions: list[str] = Field(default_factory=list)


class CaseSummary(BaseModel):
    """A queue line: enough to sort by urgency and open the case."""

    case_number: str
    matter_name: str
    intake_member: str
    authority_member: str
    authority_name: str
    status: CaseStatus
    status_label: str
    applicant_name: str
    received_date: date
    due_date: date
    due_provisional: bool = False
    days_left: int | None
    overdue: bool
    urgency: Urgency
    # The applicant's supplement came in and the case waits for review again.
    resubmitted: bool = False


CasePage = Page[CaseSummary]


class DueAnswer(BaseModel):
    """The due date of a case received on a day with a limit in working days."""

    received: date
    limit_days: int
    due_date: date
    # Counted through a year without an announced schedule (see `provisional_years`).
    provisional: bool = False
    provisional_years: list[int] = Field(default_factory=list)


class HolidayScheduleRead(BaseModel):
    """A loaded schedule year."""

    year: int
    announcement: str
    festivals: int
    loaded_at: datetime
    loaded_by: str
    # Open cases whose provisional due date was counted again by this load.
    recomputed: int = 0


class TrackQuery(BaseModel):
    """What an applicant gives to follow a case."""

    case_number: Annotated[Text, Field(min_length=8, max_length=40)]
    id_number: Annotated[Text, Field(min_length=15, max_length=18)]
