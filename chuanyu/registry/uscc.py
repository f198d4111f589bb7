"""Unified social credit codes (GB 32100-2015): validation and assignment rules.

`stdnum.cn.uscc` does the length, alphabet and check-character work. It insists on digits in
positions 1-8, which refuses real codes whose registration authority is A (military), N
(agriculture) or Y (other); this module accepts those, checks the authority/category pair, and
adds the GB 11714 check of the organisation code (positions 9-17) for the codes we assign.
"""

from __future__ import annotations

from collections.abc import Callable

from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc as stdnum_uscc

from chuanyu.registry.enums import EnterpriseType

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
MARKET_REGULATION = "9"

# Authority code -> category codes GB 32100-2015 defines under it.
CATEGORIES: dict[str, frozenset[str]] = {
    "1": frozenset("1239"),
    "2": frozenset("19"),
    "3": frozenset("123459"),
    "4": frozenset("19"),
    "5": frozenset("1239"),
    "6": frozenset("129"),
    "7": frozenset("129"),
    "8": frozenset("19"),
    "9": frozenset("123"),
    "A": frozenset("19"),
    "N": frozenset("1239"),
    "Y": frozenset("1"),
}

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# Codes assigned since the unified-code reform begin with "MA"; the rest is random.
ORG_PREFIX = "MA"


class UsccError(ValueError):
    """A string that is not a valid unified social credit code; the message says why."""


def compact(code: str) -> str:
    """Upper-case the code and drop spaces and dashes."""
    return str(stdnum_uscc.compact(code))


def category_code(enterprise_type: EnterpriseType) -> str:
    """Position 2 under authority 9: 1 enterprise, 2 individual business, 3 co-operative."""
    return "3" if enterprise_type is EnterpriseType.FARMERS_COOPERATIVE else "1"


def org_check_char(body: str) -> str:
    """The GB 11714 check character of an 8-character organisation-code body."""
    if len(body) != 8 or any(c not in ALPHABET for c in body):
        raise UsccError(f"组织机构代码本体应为 8 位数字或大写字母：{body}")
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w
        for c, w in zip(body, _ORG_WEIGHTS, strict=True)
    )
    remainder = 11 - total % 11
    if remainder == 10:
        return "X"
    return "0" if remainder == 11 else str(remainder)


def org_code_is_valid(org_code: str) -> bool:
    """True when a 9-character organisation code carries its own correct check character."""
    return len(org_code) == 9 and org_check_char(org_code[:8]) == org_code[8]


def validate(code: str, *, check_org_code: bool = False) -> str:
    """The compact code if valid; raises `UsccError` naming the problem.

    `check_org_code` also demands a GB 11714 organisation code in positions 9-17. Codes of
    individual businesses and older registrations do not always carry one, so it is off for
    codes received from outside (investors) and on for the codes this system assigns.
    """
    number = compact(code)
    if len(number) != 18:
        raise UsccError("统一社会信用代码应为 18 位")
    if any(c not in ALPHABET for c in number):
        raise UsccError("统一社会信用代码只含数字和大写字母（不含 I、O、Z、S、V）")
    authority, category = number[0], number[1]
    if authority not in CATEGORIES or category not in CATEGORIES[authority]:
        raise UsccError(f"登记管理部门代码 {authority} 与机构类别代码 {category} 不匹配")
    if not number[2:8].isdigit():
        raise UsccError("第 3-8 位应为登记管理机关行政区划码")
    if authority.isdigit():
        try:
            stdnum_uscc.validate(number)
        except stdnum_errors.InvalidChecksum as exc:
            raise UsccError("统一社会信用代码校验码错误") from exc
        except stdnum_errors.ValidationError as exc:
            raise UsccError("统一社会信用代码格式错误") from exc
    elif stdnum_uscc.calc_check_digit(number[:17]) != number[17]:
        # stdnum refuses non-digit authorities before checking; its check routine still applies.
        raise UsccError("统一社会信用代码校验码错误")
    if check_org_code and not org_code_is_valid(number[8:17]):
        raise UsccError("第 9-17 位组织机构代码的校验码错误")
    return number


def is_valid(code: str, *, check_org_code: bool = False) -> bool:
    """True when `validate` accepts the code."""
    try:
        validate(code, check_org_code=check_org_code)
    except UsccError:
        return False
    return True


def assemble(*, category: str, division_code: str, org_body: str) -> str:
    """Build an 18-character code under market regulation from its parts."""
    if not (len(division_code) == 6 and division_code.isdigit()):
        raise UsccError(f"登记机关行政区划码应为 6 位数字：{division_code}")
    if category not in CATEGORIES[MARKET_REGULATION]:
        raise UsccError(f"市场监管登记的机构类别代码不能为 {category}")
    head = MARKET_REGULATION + category + division_code + org_body + org_check_char(org_body)
    return head + str(stdnum_uscc.calc_check_digit(head))


def random_org_body(randbelow: Callable[[int], int]) -> str:
    """A fresh organisation-code body: the "MA" prefix and six random characters."""
    return ORG_PREFIX + "".join(ALPHABET[randbelow(len(ALPHABET))] for _ in range(6))


def region_member(code: str) -> str | None:
    """Member id of the region whose authority registered the code (by positions 3-4)."""
    return {"50": "CQ", "51": "SC"}.get(compact(code)[2:4])
