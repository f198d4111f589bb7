"""Pydantic shapes of postings: what may be written (with field-level messages) and read."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from chuanyu.core import clock
from chuanyu.core.fields import PlainText
from chuanyu.jobs import reference, rules
from chuanyu.jobs.enums import Education, EmploymentType, Experience, PostingStatus
from chuanyu.registry import uscc

DEFAULT_VALIDITY_DAYS = 60
Text100 = Annotated[PlainText, Field(min_length=1, max_length=100)]


class PostingFields(BaseModel):
    """The facts of a posting an employer or officer writes."""

    model_config = ConfigDict(str_strip_whitespace=True)

    valid_from: date | None = None
    valid_to: date | None = None
    title: Text100
    occupation_code: str = Field(pattern=r"^[1-8](-\d{2}){0,3}$")
    industry_code: str
    division_code: str
    salary_min: Decimal = Field(decimal_places=2)
    salary_max: Decimal = Field(decimal_places=2)
    education: Education = Education.ANY
    experience: Experience = Experience.ANY
    employment_type: EmploymentType = EmploymentType.FULL_TIME
    headcount: int = Field(default=1, ge=1, le=10000)
    benefits: list[Annotated[str, Field(min_length=1, max_length=20)]] = Field(
        default_factory=list, max_length=20
    )
    description: PlainText = Field(min_length=1, max_length=4000)
    contact_name: PlainText = Field(min_length=1, max_length=50)
    contact_phone: str = Field(pattern=r"^[0-9\-+ ]{7,20}$")

    @field_validator("title", "description")
    @classmethod
    def _one_line_blanks(cls, value: str) -> str:
        collapsed = " ".join(value.split())
        if not collapsed:
            raise ValueError("不能为空")
        return collapsed

    @field_validator("industry_code")
    @classmethod
    def _known_industry(cls, value: str) -> str:
        value = value.upper()
        if value not in reference.INDUSTRY_SECTIONS:
            raise ValueError("行业应为 GB/T 4754-2017 门类代码 A–T")
        return value

    @field_validator("division_code")
    @classmethod
    def _known_division(cls, value: str, info: ValidationInfo) -> str:
        # In force on the first day of the posting (today when not given).
        problem = rules.division_problem(value, info.data.get("valid_from") or clock.today())
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("salary_min")
    @classmethod
    def _positive_min(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError("月薪下限应为正数")
        return value

    @field_validator("salary_max")
    @classmethod
    def _sane_range(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        low = info.data.get("salary_min")
        problem = rules.salary_problem(low if low is not None else value, value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("valid_to")
    @classmethod
    def _after_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("valid_from")
        if value is not None and start is not None:
            problem = rules.validity_problem(start, value)
            if problem:
                raise ValueError(problem)
        return value

    def period(self, today: date) -> tuple[date, date]:
        """The validity period, defaulting to today and 60 days on."""
        start = self.valid_from or today
        return start, self.valid_to or start + timedelta(days=DEFAULT_VALIDITY_DAYS)


class PostingCreate(PostingFields):
    """A new posting, naming its employer by unified social credit code."""

    employer_uscc: str
    employer_name: PlainText = Field(min_length=1, max_length=200)

    @field_validator("employer_uscc")
    @classmethod
    def _valid_uscc(cls, value: str) -> str:
        return _checked_uscc(value)


@lru_cache(maxsize=65536)
def _checked_uscc(value: str) -> str:
    try:
        return uscc.validate(value)
    except uscc.UsccError as exc:
        raise ValueError(str(exc)) from exc


class PostingUpdate(PostingFields):
    """New facts for an open posting (all fields, as on the form)."""


class IngestRecord(PostingCreate):
    """A posting arriving in bulk (import file, generator): may carry its own id and times."""

    id: str | None = Field(default=None, pattern=r"^[0-9a-f]{32}$")
    published_at: datetime | None = None
    status: PostingStatus = PostingStatus.OPEN


class PostingRead(BaseModel):
    """A posting as the API returns it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    origin: str
    status: PostingStatus
    title: str
    employer_name: str
    employer_uscc: str
    occupation_code: str
    industry_code: str
    division_code: str
    place: str
    salary_min: Decimal
    salary_max: Decimal
    education: Education
    experience: Experience
    employment_type: EmploymentType
    headcount: int
    benefits: list[str]
    description: str
    contact_name: str
    contact_phone: str
    valid_from: date
    valid_to: date
    published_at: datetime
    updated_at: datetime
    version: int


class FacetValueRead(BaseModel):
    """A facet value and its count."""

    value: str
    label: str
    count: int
    selected: bool


class HitRead(BaseModel):
    """A search result."""

    id: str
    score: float
    origin: str
    title: str
    employer_name: str
    place: str
    salary_min: int
    salary_max: int
    published_at: str
    snippet_html: str


class SearchPageRead(BaseModel):
    """A page of search results with total and facets."""

    total: int
    page: int
    per_page: int
    took_ms: float
    hits: list[HitRead]
    facets: dict[str, list[FacetValueRead]]
