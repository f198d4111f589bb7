"""Identity numbers of applicants: resident ID (GB 11643) and USCC (GB 32100)."""

from __future__ import annotations

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from chuanyu.registry import uscc as registry_uscc

_REASONS = {
    "InvalidLength": "位数不对",
    "InvalidFormat": "格式不对",
    "InvalidChecksum": "校验位错误",
    "InvalidComponent": "出生日期或地址码无效",
}


def check_resident_id(value: str) -> str:
    """The compact resident ID number; raises ValueError with a readable reason."""
    try:
        return str(ric.validate(value))
    except ValidationError as exc:
        reason = _REASONS.get(type(exc).__name__, str(exc))
        raise ValueError(f"居民身份证号码无效：{reason}") from exc


def check_uscc(value: str) -> str:
    """The compact unified social credit code (the registry's rules); raises ValueError."""
    return registry_uscc.validate(value)
