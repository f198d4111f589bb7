"""Resident ID numbers (GB 11643): real people's numbers pass, impossible ones are refused."""

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from stdnum.cn import ric

from chuanyu.core import clock
from chuanyu.core.identifiers import (
    InvalidResidentId,
    ResidentId,
    birth_date_of,
    is_male,
    is_valid_resident_id,
    mask_resident_id,
    masked_matches,
    normalize_resident_id,
)

TODAY = date(2026, 3, 15)


def with_check(prefix17: str) -> str:
    """A full number whose check character python-stdnum computes."""
    return prefix17 + ric.calc_check_digit(prefix17 + "0")


def wrong_check(prefix17: str) -> str:
    good = with_check(prefix17)
    return prefix17 + ("1" if good[-1] != "1" else "2")


@pytest.mark.parametrize(
    "number",
    [
        "500103199001010010",  # 渝中区, born 1990: the code dates from 1997
        with_check("50010319850612001"),
        with_check("50015519800229002"),  # 梁平区 (a code of 2016), born in a leap year
        with_check("50011219761103003"),  # 渝北区, retired in 2025, still a valid number
    ],
)
def test_chongqing_numbers_of_people_born_before_1997_are_accepted(number: str) -> None:
    assert not ric.is_valid(number)  # python-stdnum's birth-year rule refuses them
    assert normalize_resident_id(number, today=TODAY) == number


def test_numbers_carrying_sichuan_era_chongqing_codes_stay_valid() -> None:
    number = with_check("51020319700101001")  # 大渡口区 under Sichuan, until 1997
    assert normalize_resident_id(number, today=TODAY) == number


def test_x_check_character_is_accepted_in_either_case() -> None:
    prefixes = (f"50010319900101{seq:03d}" for seq in range(1000))
    prefix = next(p for p in prefixes if with_check(p).endswith("X"))
    number = with_check(prefix)
    assert normalize_resident_id(number.lower(), today=TODAY) == number
    assert number.endswith("X")


def test_wrong_check_character_is_refused() -> None:
    with pytest.raises(InvalidResidentId, match="校验码"):
        normalize_resident_id(wrong_check("50010319900101001"), today=TODAY)


def test_february_29_only_in_leap_years() -> None:
    assert normalize_resident_id(with_check("51010420000229001"), today=TODAY)
    with pytest.raises(InvalidResidentId, match="19990229"):
        normalize_resident_id(with_check("51010419990229001"), today=TODAY)
    with pytest.raises(InvalidResidentId, match="19000229"):  # 1900 was not a leap year
        normalize_resident_id(with_check("51010419000229001"), today=TODAY)


def test_birth_dates_after_today_are_refused() -> None:
    with pytest.raises(InvalidResidentId, match="晚于今天"):
        normalize_resident_id(with_check("50010320260316001"), today=TODAY)
    assert normalize_resident_id(with_check("50010320260315001"), today=TODAY)


def test_today_comes_from_the_clock() -> None:
    number = with_check("50010320300101001")
    with clock.freeze(datetime(2029, 12, 31, 12, tzinfo=UTC)):
        assert not is_valid_resident_id(number)
    with clock.freeze(datetime(2030, 1, 2, tzinfo=UTC)):
        assert is_valid_resident_id(number)


def test_a_code_that_never_existed_is_refused() -> None:
    with pytest.raises(InvalidResidentId, match="999999"):
        normalize_resident_id(with_check("99999919900101001"), today=TODAY)
    with pytest.raises(InvalidResidentId, match="500199"):
        normalize_resident_id(with_check("50019919900101001"), today=TODAY)


def test_a_code_retired_before_the_birth_is_refused() -> None:
    # 510203 belonged to Sichuan's 重庆市 and ended in 1997: nobody born in 2001 received it.
    with pytest.raises(InvalidResidentId, match="1997"):
        normalize_resident_id(with_check("51020320010101001"), today=TODAY)


def test_fifteen_digit_numbers_are_converted() -> None:
    assert normalize_resident_id("500103900101001", today=TODAY) == "500103199001010010"
    assert normalize_resident_id("510104750612002", today=TODAY) == with_check("51010419750612002")


def test_invalid_fifteen_digit_numbers_are_refused_clearly() -> None:
    with pytest.raises(InvalidResidentId, match="19990230"):
        normalize_resident_id("510104990230001", today=TODAY)
    with pytest.raises(InvalidResidentId, match="15 位"):
        normalize_resident_id("51010475061200X", today=TODAY)


@pytest.mark.parametrize("value", ["", "123", "5001031990010100100", "50010319900101001Y"])
def test_malformed_numbers_are_refused(value: str) -> None:
    with pytest.raises(InvalidResidentId):
        normalize_resident_id(value, today=TODAY)


def test_spaces_are_ignored() -> None:
    assert normalize_resident_id(" 500103 19900101 0010 ", today=TODAY) == "500103199001010010"


def test_pydantic_type_reports_the_message() -> None:
    class Form(BaseModel):
        resident_id: ResidentId

    assert Form(resident_id="500103199001010010").resident_id == "500103199001010010"
    with pytest.raises(ValidationError, match="校验码"):
        Form(resident_id=wrong_check("50010319900101001"))


def test_birth_date_and_sex_are_read_from_the_number() -> None:
    number = "500103199001010010"
    assert birth_date_of(number) == date(1990, 1, 1)
    assert is_male(number) is True and is_male(with_check("50010319900101002")) is False


def test_one_mask_hides_birth_date_and_county() -> None:
    assert mask_resident_id("500103199001010010") == "5001**********0010"
    assert mask_resident_id("123") == "***"
    assert masked_matches("5001**********0010", "500103199001010010")
    assert not masked_matches("5001**********0011", "500103199001010010")


@settings(max_examples=200, deadline=None)
@given(
    birth=st.dates(min_value=date(1930, 1, 1), max_value=TODAY),
    code=st.sampled_from(["500103", "500101", "510104", "510185", "511623"]),
    seq=st.integers(0, 999),
)
def test_any_real_date_with_a_current_code_validates(birth: date, code: str, seq: int) -> None:
    number = with_check(f"{code}{birth:%Y%m%d}{seq:03d}")
    assert normalize_resident_id(number, today=TODAY) == number
    assert birth_date_of(number) == birth
