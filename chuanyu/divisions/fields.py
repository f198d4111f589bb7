"""The division-code field type: a GB/T 2260 code of Chongqing or Sichuan (current or former)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from chuanyu import divisions


def check_division_code(value: str) -> str:
    """`value` when it is a GB/T 2260 code of Chongqing or Sichuan (current or former)."""
    if divisions.get(value) is None:
        raise ValueError(f"未知的行政区划代码：{value}（应为川渝两地的 6 位行政区划代码）")
    return value


DivisionCode = Annotated[str, AfterValidator(check_division_code)]
