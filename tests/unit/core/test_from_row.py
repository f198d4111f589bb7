"""Read shapes come from rows through Pydantic's from_attributes, derived fields given beside."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pytest
from pydantic import BaseModel, ValidationError

from chuanyu.core.schemas import from_row


class Status(StrEnum):
    OPEN = "open"


class ThingRead(BaseModel):
    code: str
    status: Status
    label: str


@dataclass
class Thing:
    code: str
    status: str
    secret: str = "not in the schema"


def test_row_fields_are_copied_and_derived_ones_given() -> None:
    read = from_row(ThingRead, Thing("A1", "open"), label="开放")
    assert read == ThingRead(code="A1", status=Status.OPEN, label="开放")


def test_given_value_wins_over_the_rows_attribute() -> None:
    assert from_row(ThingRead, Thing("A1", "open"), code="B2", label="x").code == "B2"


def test_missing_field_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="label"):
        from_row(ThingRead, Thing("A1", "open"))
