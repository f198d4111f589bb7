"""The one validation translator: every Pydantic error reads as Chinese, tied to its field."""

from __future__ import annotations

from typing import Annotated, Literal

import pytest
from pydantic import AfterValidator, BaseModel, Field, ValidationError

from chuanyu.core.messages import by_field, invalid_input, zh_message

Text = Annotated[str, AfterValidator(lambda v: v)]


class Track(BaseModel):
    case_number: Annotated[Text, Field(min_length=8, max_length=40)]
    id_number: Annotated[Text, Field(min_length=15, max_length=18)]


class Intake(BaseModel):
    name: Annotated[str, Field(min_length=2, max_length=10)]
    phone: Annotated[str | None, Field(default=None, pattern=r"^1\d{10}$")]
    count: int = 1
    kind: Literal["a", "b"] = "a"
    tags: Annotated[list[str], Field(default_factory=list, max_length=2)]


def _errors(model: type[BaseModel], data: dict[str, object]) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return caught.value


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_empty_tracking_number_reads_as_required_not_items() -> None:
    messages = by_field(_errors(Track, {"case_number": "", "id_number": "1"}))
    assert messages == {"case_number": "必填", "id_number": "至少 15 个字"}


def test_short_text_behind_a_validator_counts_characters() -> None:
    assert by_field(_errors(Track, {"case_number": "CQ-1", "id_number": "5" * 18})) == {
        "case_number": "至少 8 个字"}


@pytest.mark.parametrize(("data", "field", "expected"), [
    ({"name": "张三", "phone": "12345"}, "phone", "格式不正确"),
    ({"name": "张"}, "name", "至少 2 个字"),
    ({}, "name", "必填"),
    ({"name": "张三", "count": "x"}, "count", "应为整数"),
    ({"name": "张三", "kind": "c"}, "kind", "取值无效，可选：a、b"),
    ({"name": "张三", "tags": ["1", "2", "3"]}, "tags", "项目过多（最多 2 项）"),
])
def test_common_errors_read_as_chinese(data: dict[str, object], field: str,
                                       expected: str) -> None:
    assert by_field(_errors(Intake, data))[field] == expected


def test_unknown_english_message_is_never_passed_through() -> None:
    assert zh_message({"type": "some_new_kind", "msg": "Input should be fancy"}) == "输入有误"
    assert zh_message({"type": "value_error", "msg": "Value error, bad thing"}) == "输入有误"
    assert zh_message({"type": "value_error", "msg": "Value error, 证件号码校验位不符"}) == (
        "证件号码校验位不符")


def test_problem_detail_names_fields_in_chinese() -> None:
    problem = invalid_input(_errors(Track, {"case_number": "", "id_number": ""}), prefix="")
    assert problem.status == 422
    assert problem.detail == "输入有误：办件编号：必填；证件号码：必填"
    assert all(_has_chinese(e.message) for e in problem.errors)
