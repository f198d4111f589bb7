"""Shared field types: plain text refuses control characters; exports and reads drop them."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pydantic import TypeAdapter, ValidationError

from chuanyu.core.fields import PlainText, scrub_control_characters
from chuanyu.divisions.fields import DivisionCode
from chuanyu.ledger.schemas import EntryCreate, EntryRead
from chuanyu.ledger.sheets import workbook_bytes

TEXT = TypeAdapter(PlainText)
ENTRY = {"kind": "agreement", "title": "潼南区与遂宁市签署协议", "date": "2020-06",
         "parties": ["500152", "510900"]}


@pytest.mark.parametrize("value", ["响铃\x07", "\x00", "转义\x1b[0m", "\x85下一行", "半个\ud800"])
def test_plain_text_refuses_control_characters(value: str) -> None:
    with pytest.raises(ValidationError, match="控制字符"):
        TEXT.validate_python(value)


def test_plain_text_keeps_tabs_and_line_breaks() -> None:
    assert TEXT.validate_python("第一段\n第二段\r\n\t缩进") == "第一段\n第二段\r\n\t缩进"


def test_division_code_must_be_known() -> None:
    codes = TypeAdapter(DivisionCode)
    assert codes.validate_python("500152") == "500152"
    with pytest.raises(ValidationError, match="行政区划"):
        codes.validate_python("999999")


def test_scrub_reaches_nested_text() -> None:
    assert scrub_control_characters({"a\x01": ["b\x02", ("c\x03",)], "n": 1}) == {
        "a": ["b", ("c",)], "n": 1}


def test_stored_entry_with_control_characters_still_reads() -> None:
    stored = {**ENTRY, "title": "潼南区\x07签署协议", "tags": ["遂潼\x00"], "id": "cq-1",
              "owner": "CQ", "version": 1, "created_at": "2020-06-01T00:00:00Z",
              "updated_at": "2020-06-01T00:00:00Z"}
    entry = EntryRead.model_validate(stored)
    assert entry.title == "潼南区签署协议" and entry.tags == ["遂潼"]


def test_xlsx_export_survives_control_characters() -> None:
    entry = EntryCreate.model_construct(**{**EntryCreate(**ENTRY).__dict__,
                                           "title": "潼南区\x07签署协议", "summary": "a\x1bb"})
    book = load_workbook(io.BytesIO(workbook_bytes([entry], template=False)))
    row = [c.value for c in book["台账"][2]]
    assert "潼南区签署协议" in row and "ab" in row
