"""Demo resident IDs and credit codes: generated ones validate everywhere."""

import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from chuanyu.core.identifiers import birth_date_of, normalize_resident_id
from chuanyu.housing_fund.enums import Sex
from chuanyu.housing_fund.identifiers import (
    InvalidIdentifier,
    area_codes_valid_in,
    make_resident_id,
    make_uscc,
    normalize_uscc,
    sex_of,
)
from chuanyu.housing_fund.rules import continuous_months


@settings(max_examples=80, deadline=None)
@given(
    member=st.sampled_from(["CQ", "SC"]),
    birth=st.dates(min_value=date(1955, 1, 1), max_value=date(2004, 12, 31)),
    sex=st.sampled_from(list(Sex)),
    seed=st.integers(0, 2**32),
)
def test_generated_ids_pass_stdnum_for_any_birth_year(
    member: str, birth: date, sex: Sex, seed: int
) -> None:
    number = make_resident_id(random.Random(seed), member, birth, sex)
    assert ric.is_valid(number) and normalize_resident_id(number) == number
    assert birth_date_of(number) == birth and sex_of(number) is sex


def test_chongqing_codes_before_1997_are_sichuan_era() -> None:
    assert all(code.startswith("51") for code in area_codes_valid_in("CQ", 1990))
    assert all(code.startswith("50") for code in area_codes_valid_in("CQ", 2000))


def test_generated_credit_codes_validate() -> None:
    rng = random.Random(5)
    assert all(uscc.is_valid(make_uscc(rng, m)) for m in ("CQ", "SC") for _ in range(200))


def test_employer_codes_of_every_authority_are_accepted() -> None:
    body = "N2500112MA1234567"  # a farmers' co-operative (authority N), which stdnum refuses
    code = body + uscc.calc_check_digit(body)
    assert not uscc.is_valid(code)
    assert normalize_uscc(code.lower()) == code
    with pytest.raises(InvalidIdentifier):
        normalize_uscc(body + ("0" if code[-1] != "0" else "1"))


def test_continuous_months_counts_the_latest_unbroken_run() -> None:
    assert continuous_months([]) == 0
    assert continuous_months([202006]) == 1
    assert continuous_months([201911, 201912, 202001, 202002]) == 4
    assert continuous_months([201901, 201902, 201904, 201905, 201906]) == 3
    assert continuous_months([202006, 202005, 202005]) == 2
