"""Pure registration rules: enterprise names, investors, capital in words, licence labels."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from chuanyu.registry.enums import EnterpriseType as T

NAME_MIN, NAME_MAX = 4, 50
_NAME_CHARS = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9()·]+$")
_LLC = (T.LLC_NATURAL_PERSONS, T.LLC_SOLE_NATURAL_PERSON, T.LLC_SOLE_LEGAL_PERSON)
LLC_MAX_SHAREHOLDERS = 50
JOINT_STOCK_MAX_PROMOTERS = 200
LIMITED_PARTNERSHIP_MAX = 50
COOPERATIVE_MIN_MEMBERS = 5


def normalise_name(name: str) -> str:
    """The comparable form of a name: NFKC (full-width brackets to ASCII), no whitespace."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def name_problem(name: str, enterprise_type: T) -> str | None:
    """Why a proposed enterprise name is unacceptable for the type, or None."""
    key = normalise_name(name)
    if not NAME_MIN <= len(key) <= NAME_MAX:
        return f"企业名称应为 {NAME_MIN}-{NAME_MAX} 个字"
    if not _NAME_CHARS.match(key):
        return "企业名称只能含汉字、字母、数字和括号"
    if enterprise_type in _LLC:
        if key.endswith("股份有限公司"):
            return "有限责任公司的名称不能以“股份有限公司”结尾"
        if not key.endswith(("有限公司", "有限责任公司")):
            return "有限责任公司的名称应以“有限公司”或“有限责任公司”结尾"
    elif enterprise_type is T.JOINT_STOCK:
        if not key.endswith("股份有限公司"):
            return "股份有限公司的名称应以“股份有限公司”结尾"
    elif enterprise_type is T.SOLE_PROPRIETORSHIP:
        if "公司" in key or "有限" in key:
            return "个人独资企业的名称不得使用“有限”“有限责任”或“公司”字样"
    elif enterprise_type is T.GENERAL_PARTNERSHIP:
        if not key.endswith("(普通合伙)"):
            return "普通合伙企业的名称应以“（普通合伙）”结尾"
    elif enterprise_type is T.LIMITED_PARTNERSHIP:
        if not key.endswith("(有限合伙)"):
            return "有限合伙企业的名称应以“（有限合伙）”结尾"
    elif enterprise_type is T.FARMERS_COOPERATIVE and not key.endswith("专业合作社"):
        return "农民专业合作社的名称应以“专业合作社”结尾"
    return None


@dataclass(frozen=True)
class InvestorShare:
    """What the investor rules need to know about one investor."""

    id_number: str
    is_person: bool
    amount: Decimal


def investor_problem(
    enterprise_type: T, investors: Sequence[InvestorShare], capital: Decimal
) -> str | None:
    """Why the investors do not fit the enterprise type and capital, or None."""
    count = len(investors)
    persons = sum(1 for i in investors if i.is_person)
    if count == 0:
        return "至少需要一名投资人"
    if len({i.id_number for i in investors}) != count:
        return "同一投资人不能重复登记"
    total = sum((i.amount for i in investors), Decimal("0"))
    if total != capital:
        return f"投资人认缴出资合计 {total:.2f} 元，与注册资本 {capital:.2f} 元不符"
    if enterprise_type is T.LLC_SOLE_NATURAL_PERSON and (count != 1 or persons != 1):
        return "自然人独资有限责任公司只能有一名自然人股东"
    if enterprise_type is T.LLC_SOLE_LEGAL_PERSON and (count != 1 or persons != 0):
        return "法人独资有限责任公司只能有一名法人股东（以统一社会信用代码登记）"
    if enterprise_type is T.LLC_NATURAL_PERSONS:
        if persons == 0:
            return "自然人投资或控股的有限责任公司至少需要一名自然人股东"
        if count == 1:
            return "只有一名自然人股东时，类型应为“有限责任公司(自然人独资)”"
        if count > LLC_MAX_SHAREHOLDERS:
            return f"有限责任公司股东不得超过 {LLC_MAX_SHAREHOLDERS} 名"
    if enterprise_type is T.JOINT_STOCK and count > JOINT_STOCK_MAX_PROMOTERS:
        return f"股份有限公司发起人不得超过 {JOINT_STOCK_MAX_PROMOTERS} 名"
    if enterprise_type is T.SOLE_PROPRIETORSHIP and (count != 1 or persons != 1):
        return "个人独资企业只能由一名自然人投资"
    if enterprise_type in (T.GENERAL_PARTNERSHIP, T.LIMITED_PARTNERSHIP) and count < 2:
        return "合伙企业至少需要两名合伙人"
    if enterprise_type is T.LIMITED_PARTNERSHIP and count > LIMITED_PARTNERSHIP_MAX:
        return f"有限合伙企业合伙人不得超过 {LIMITED_PARTNERSHIP_MAX} 名"
    if enterprise_type is T.FARMERS_COOPERATIVE and count < COOPERATIVE_MIN_MEMBERS:
        return f"农民专业合作社至少需要 {COOPERATIVE_MIN_MEMBERS} 名成员"
    return None


def representative_problem(
    enterprise_type: T, representative_id: str, investors: Sequence[InvestorShare]
) -> str | None:
    """Why the legal representative cannot act for this enterprise, or None."""
    ids = {i.id_number for i in investors}
    if enterprise_type is T.SOLE_PROPRIETORSHIP and representative_id not in ids:
        return "个人独资企业的投资人即为负责人，身份证号码应与投资人一致"
    is_partnership = enterprise_type in (T.GENERAL_PARTNERSHIP, T.LIMITED_PARTNERSHIP)
    if is_partnership and representative_id not in ids and all(i.is_person for i in investors):
        return "执行事务合伙人应为合伙人之一"
    return None


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_GROUP_UNITS = ("", "万", "亿", "万亿")


def _group_words(group: int) -> str:
    out, zero, started = "", False, False
    for size, unit in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
        digit = group // size % 10
        if digit == 0:
            zero = zero or started
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[digit] + unit
        started = True
    return out


def amount_in_words(amount: Decimal) -> str:
    """Yuan in Chinese financial numerals, as printed on a licence: 壹佰万元整."""
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValueError("金额应为非负数，最多两位小数")
    cents = int(amount * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    if yuan >= 10**16:
        raise ValueError("金额过大")
    groups: list[int] = []
    rest = yuan
    while rest:
        groups.append(rest % 10000)
        rest //= 10000
    out, pending_zero = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            pending_zero = pending_zero or bool(out)
            continue
        if out and (pending_zero or group < 1000):
            out += "零"
        out += _group_words(group) + _GROUP_UNITS[index]
        pending_zero = False
    if out:
        out += "元"
    if jiao:
        out += _DIGITS[jiao] + "角"
    if fen:
        out += ("零" if out and not jiao else "") + _DIGITS[fen] + "分"
    elif out:
        out += "整"
    return out or "零元整"


def _caption(text: str) -> str:
    """Two-character captions are spread to the width of four, as printed on the licence."""
    return f"{text[0]}\u3000\u3000{text[1]}" if len(text) == 2 else text


def licence_labels(enterprise_type: T) -> dict[str, str]:
    """The captions a licence of this type prints for representative, capital, address, term."""
    return {key: _caption(text) for key, text in _labels(enterprise_type).items()}


def _labels(enterprise_type: T) -> dict[str, str]:
    if enterprise_type is T.SOLE_PROPRIETORSHIP:
        return {
            "representative": "投资人",
            "capital": "出资额",
            "domicile": "住所",
            "period": "营业期限",
        }
    if enterprise_type in (T.GENERAL_PARTNERSHIP, T.LIMITED_PARTNERSHIP):
        return {
            "representative": "执行事务合伙人",
            "capital": "出资额",
            "domicile": "主要经营场所",
            "period": "合伙期限",
        }
    if enterprise_type is T.FARMERS_COOPERATIVE:
        return {
            "representative": "法定代表人",
            "capital": "成员出资总额",
            "domicile": "住所",
            "period": "营业期限",
        }
    return {
        "representative": "法定代表人",
        "capital": "注册资本",
        "domicile": "住所",
        "period": "营业期限",
    }
