"""Identity numbers of applicants: resident ID (GB 11643) and USCC (GB 32100)."""

from __future__ import annotations

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

# GB 32100 character set (no I, O, Z, S, V).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def check_resident_id(value: str) -> str:
    """The compact resident ID number; raises ValueError with a readable reason."""
    try:
        return str(ric.validate(value))
    except ValidationError as exc:
        raise ValueError(f"居民身份证号码无效：{_reason(exc)}") from exc


def check_uscc(value: str) -> str:
    """The compact unified social credit code; raises ValueError with a readable reason.

    `stdnum.cn.uscc` insists on digits in positions 1-8, which refuses valid codes of
    registration authorities A, N and Y; for those its check-character function still applies.
    """
    code = str(uscc.compact(value))
    if len(code) != 18 or any(c not in USCC_ALPHABET for c in code):
        raise ValueError("统一社会信用代码应为 18 位数字或大写字母（不含 I、O、Z、S、V）")
    if code[0] in "ANY":
        if not code[2:8].isdigit():
            raise ValueError("统一社会信用代码第 3-8 位应为行政区划代码")
        if uscc.calc_check_digit(code[:17]) != code[17]:
            raise ValueError("统一社会信用代码校验位错误")
        return code
    try:
        return str(uscc.validate(code))
    except ValidationError as exc:
        raise ValueError(f"统一社会信用代码无效：{_reason(exc)}") from exc


def _reason(exc: ValidationError) -> str:
    name = type(exc).__name__
    return {
        "InvalidLength": "位数不对",
        "InvalidFormat": "格式不对",
        "InvalidChecksum": "校验位错误",
        "InvalidComponent": "出生日期或地址码无效",
    }.get(name, str(exc))
