"""The posting form of the employer / officer pages: choices, parsing, Chinese field messages."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from chuanyu.core.errors import InvalidInput
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
_MESSAGES = {
    "missing": "必填",
    "string_too_short": "不能为空",
    "string_too_long": "过长（最多 {max_length} 个字）",
    "string_pattern_mismatch": "格式不正确",
    "decimal_parsing": "应为金额数字，如 6000",
    "decimal_max_places": "最多 {decimal_places} 位小数",
    "int_parsing": "应为整数",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "enum": "请从列表中选择",
    "too_long": "项目过多",
}


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


def message(error: Any) -> str:
    """A Chinese message for one pydantic error (our own validators already speak Chinese)."""
    kind = str(error.get("type", ""))
    if kind == "value_error":
        return str(error.get("msg", "")).removeprefix("Value error, ")
    template = _MESSAGES.get(kind, "输入有误")
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return template


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
            errors.setdefault(field, message(e))
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
