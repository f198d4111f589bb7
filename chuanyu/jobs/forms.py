"""The posting form of the employer / officer pages: choices, parsing, Chinese field messages."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from chuanyu.core.errors import InvalidInput
from chuanyu.core.messages import zh_message
from chuanyu.jobs import reference
from chuanyu.jobs.enums import EDUCATION_LABELS, EMPLOYMENT_LABELS, EXPERIENCE_LABELS
from chuanyu.jobs.schemas import PostingRead

M = TypeVar("M", bound=BaseModel)
FIELDS = (
    "employer_uscc", "employer_name", "title", "occupation_code", "industry_code",
    "division_code", "salary_min", "salary_max", "education", "experience", "employment_type",
    "headcount", "benefits", "description", "contact_name", "contact_phone", "valid_from",
    "valid_to",
)  # fmt: skip


def choices(member: str, today: Any) -> dict[str, list[tuple[str, str]]]:
    """The options of the form's lists for this region."""
    places = [(c, reference.place(c).label) for c in reference.work_locations(member, today)]
    return {
        "occupation_code": sorted(reference.OCCUPATION_GROUPS.items()),
        "industry_code": sorted(reference.INDUSTRY_SECTIONS.items()),
        "division_code": places,
        "education": [(k.value, v) for k, v in EDUCATION_LABELS.items()],
        "experience": [(k.value, v) for k, v in EXPERIENCE_LABELS.items()],
        "employment_type": [(k.value, v) for k, v in EMPLOYMENT_LABELS.items()],
    }


def parse(model: type[M], form: dict[str, str]) -> tuple[M | None, dict[str, str]]:
    """The form as `model`, or None and one message per field."""
    data: dict[str, Any] = {k: v for k, v in form.items() if k in FIELDS and v.strip() != ""}
    if "benefits" in data:
        text = data["benefits"].replace("，", "、").replace(",", "、").replace(" ", "、")
        data["benefits"] = [b for b in text.split("、") if b]
    try:
        return model.model_validate(data), {}
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for e in exc.errors():
            field = str(e["loc"][0]) if e["loc"] else "form"
            errors.setdefault(field, zh_message(e))
        return None, errors


def service_errors(exc: InvalidInput) -> dict[str, str]:
    """Field messages of a refusal by the posting service."""
    errors = {e.field: e.message for e in exc.errors}
    return errors or {"form": exc.detail}


def form_of(p: PostingRead) -> dict[str, str]:
    """A stored posting as form values."""
    values = p.model_dump(mode="json")
    out = {k: str(values.get(k, "")) for k in FIELDS if k != "benefits"}
    out["benefits"] = "、".join(p.benefits)
    return out
