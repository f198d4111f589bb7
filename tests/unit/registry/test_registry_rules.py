"""Registration rules: names, investors, capital in words, captions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chuanyu.registry import rules
from chuanyu.registry.enums import EnterpriseType as T
from chuanyu.registry.rules import InvestorShare

P1 = InvestorShare("510107199003071236", True, Decimal("600000.00"))
P2 = InvestorShare("510107199003072343", True, Decimal("400000.00"))
E1 = InvestorShare("91110000600037341L", False, Decimal("1000000.00"))
MILLION = Decimal("1000000.00")


def test_full_width_and_half_width_brackets_compare_equal() -> None:
    a = rules.normalise_name("重庆渝川商贸（普通合伙）")
    assert a == rules.normalise_name("重庆渝川商贸 (普通合伙)")


@pytest.mark.parametrize(
    ("name", "kind", "fragment"),
    [
        ("成都蓉渝科技有限公司", T.LLC_NATURAL_PERSONS, None),
        ("成都蓉渝科技有限责任公司", T.LLC_SOLE_NATURAL_PERSON, None),
        ("成都蓉渝科技股份有限公司", T.LLC_NATURAL_PERSONS, "股份有限公司"),
        ("成都蓉渝科技中心", T.LLC_NATURAL_PERSONS, "有限公司"),
        ("成都蓉渝科技股份有限公司", T.JOINT_STOCK, None),
        ("成都蓉渝科技有限公司", T.SOLE_PROPRIETORSHIP, "有限"),
        ("成都市蓉渝小吃店", T.SOLE_PROPRIETORSHIP, None),
        ("重庆渝川商贸（普通合伙）", T.GENERAL_PARTNERSHIP, None),
        ("重庆渝川商贸（普通合伙）", T.LIMITED_PARTNERSHIP, "有限合伙"),
        ("潼南区柠檬种植专业合作社", T.FARMERS_COOPERATIVE, None),
        ("潼南区柠檬种植社", T.FARMERS_COOPERATIVE, "专业合作社"),
        ("公司", T.LLC_NATURAL_PERSONS, "个字"),
        ("成都蓉渝科技有限公司!", T.LLC_NATURAL_PERSONS, "只能含"),
    ],
)
def test_name_must_fit_the_enterprise_type(name: str, kind: T, fragment: str | None) -> None:
    problem = rules.name_problem(name, kind)
    if fragment is None:
        assert problem is None
    else:
        assert problem is not None and fragment in problem


def test_investors_must_add_up_to_the_capital() -> None:
    problem = rules.investor_problem(T.LLC_NATURAL_PERSONS, [P1, P2], Decimal("1000000.01"))
    assert problem is not None and "1000000.00" in problem and "1000000.01" in problem
    assert rules.investor_problem(T.LLC_NATURAL_PERSONS, [P1, P2], MILLION) is None


@pytest.mark.parametrize(
    ("kind", "investors", "fragment"),
    [
        (T.LLC_SOLE_LEGAL_PERSON, [E1], None),
        (T.LLC_SOLE_LEGAL_PERSON, [P1, P2], "法人股东"),
        (T.LLC_SOLE_NATURAL_PERSON, [E1], "自然人股东"),
        (T.LLC_NATURAL_PERSONS, [InvestorShare(P1.id_number, True, MILLION)], "自然人独资"),
        (T.SOLE_PROPRIETORSHIP, [P1, P2], "一名自然人"),
        (T.GENERAL_PARTNERSHIP, [InvestorShare(P1.id_number, True, MILLION)], "两名合伙人"),
        (T.FARMERS_COOPERATIVE, [P1, P2], "5 名成员"),
        (T.LLC_NATURAL_PERSONS, [P1, InvestorShare(P1.id_number, True, P2.amount)], "重复"),
    ],
)
def test_investors_must_fit_the_enterprise_type(
    kind: T, investors: list[InvestorShare], fragment: str | None
) -> None:
    problem = rules.investor_problem(kind, investors, MILLION)
    if fragment is None:
        assert problem is None
    else:
        assert problem is not None and fragment in problem


def test_sole_proprietor_must_be_the_representative() -> None:
    only = [InvestorShare(P1.id_number, True, MILLION)]
    assert rules.representative_problem(T.SOLE_PROPRIETORSHIP, P1.id_number, only) is None
    problem = rules.representative_problem(T.SOLE_PROPRIETORSHIP, P2.id_number, only)
    assert problem is not None


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1000000", "壹佰万元整"),
        ("100", "壹佰元整"),
        ("1005", "壹仟零伍元整"),
        ("100001", "壹拾万零壹元整"),
        ("10010000", "壹仟零壹万元整"),
        ("100010000", "壹亿零壹万元整"),
        ("35000.50", "叁万伍仟元伍角整"),
        ("1.05", "壹元零伍分"),
        ("0.30", "叁角整"),
        ("20300450.00", "贰仟零叁拾万零肆佰伍拾元整"),
    ],
)
def test_amount_in_words(amount: str, words: str) -> None:
    assert rules.amount_in_words(Decimal(amount)) == words


def test_amount_with_more_than_two_places_is_refused() -> None:
    with pytest.raises(ValueError):
        rules.amount_in_words(Decimal("1.005"))


def test_partnership_captions() -> None:
    labels = rules.licence_labels(T.GENERAL_PARTNERSHIP)
    assert labels["representative"] == "执行事务合伙人"
    assert labels["period"] == "合伙期限"
