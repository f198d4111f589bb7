"""Unified social credit codes: validation around stdnum and assignment of new codes."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from chuanyu import divisions
from chuanyu.registry import uscc
from chuanyu.registry.enums import EnterpriseType

COUNTIES = [d.code for d in divisions.all_divisions() if d.level == divisions.COUNTY]


def test_known_code_with_its_organisation_code_is_valid() -> None:
    assert uscc.validate("9111 0000 6000 37341L", check_org_code=True) == "91110000600037341L"


def test_organisation_code_check_character() -> None:
    assert uscc.org_check_char("60003734") == "1"


def test_wrong_check_character_is_refused_with_reason() -> None:
    with pytest.raises(uscc.UsccError, match="校验码"):
        uscc.validate("91110000600037342L")


@pytest.mark.parametrize("authority", ["A", "N", "Y"])
def test_codes_of_letter_authorities_are_accepted_although_stdnum_refuses(authority: str) -> None:
    head = authority + "1110000600037341"
    code = head + stdnum_uscc.calc_check_digit(head)
    assert not stdnum_uscc.is_valid(code)
    assert uscc.validate(code) == code


def test_authority_and_category_must_match() -> None:
    head = "94110000600037341"  # market regulation has no category 4
    with pytest.raises(uscc.UsccError, match="不匹配"):
        uscc.validate(head + stdnum_uscc.calc_check_digit(head))


def test_bad_organisation_code_fails_only_the_strict_check() -> None:
    head = "91110000600037342"
    code = head + stdnum_uscc.calc_check_digit(head)
    assert uscc.is_valid(code)
    assert not uscc.is_valid(code, check_org_code=True)


def test_letters_outside_the_alphabet_are_refused() -> None:
    assert not uscc.is_valid("91110000600037341O")


def test_region_member_reads_positions_three_and_four() -> None:
    assert uscc.region_member("91500112MA60000000") == "CQ"
    assert uscc.region_member("91510107MA60000000") == "SC"
    assert uscc.region_member("91110000600037341L") is None


def test_category_code_per_enterprise_type() -> None:
    assert uscc.category_code(EnterpriseType.LLC_NATURAL_PERSONS) == "1"
    assert uscc.category_code(EnterpriseType.FARMERS_COOPERATIVE) == "3"


@settings(max_examples=300, deadline=None)
@given(
    division=st.sampled_from(COUNTIES),
    kind=st.sampled_from(list(EnterpriseType)),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_assigned_codes_are_valid_under_stdnum_and_strict_checks(
    division: str, kind: EnterpriseType, seed: int
) -> None:
    rng = random.Random(seed)
    code = uscc.assemble(
        category=uscc.category_code(kind),
        division_code=division,
        org_body=uscc.random_org_body(rng.randrange),
    )
    assert stdnum_uscc.is_valid(code)
    assert uscc.validate(code, check_org_code=True) == code
    assert code[:2] == "9" + uscc.category_code(kind)
    assert code[2:8] == division
    assert code[8:10] == "MA"
