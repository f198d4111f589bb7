"""Annotated field types every domain shares: plain free text (division codes: divisions.fields)."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator

# Tab, line feed and carriage return are layout a person types; every other C0/C1 control
# character, and a lone surrogate, cannot be stored, exported (xlsx, PDF) or shown faithfully.
_ALLOWED_CONTROLS = frozenset("\t\n\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def control_characters(value: str) -> list[str]:
    """The control characters in `value`, as escapes a person can read (`\\x07`…)."""
    return sorted({f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"
                   for c in _CONTROL.findall(value)})


def check_plain_text(value: str) -> str:
    """`value` unchanged; raises ValueError naming the control characters it holds."""
    found = control_characters(value)
    if found:
        raise ValueError(f"不能含控制字符（{'、'.join(found)}），请删除后重新提交")
    return value


def without_control_characters(value: str) -> str:
    """`value` with control characters (except tab and line breaks) removed, for exports."""
    return "".join(c for c in value if c in _ALLOWED_CONTROLS
                   or unicodedata.category(c) not in ("Cc", "Cs"))


PlainText = Annotated[str, AfterValidator(check_plain_text)]


def scrub_control_characters(value: Any) -> Any:
    """`value` (text, or lists and dicts holding text) with control characters removed."""
    if isinstance(value, str):
        return without_control_characters(value) if _CONTROL.search(value) else value
    if isinstance(value, dict):
        return {scrub_control_characters(k): scrub_control_characters(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(scrub_control_characters(v) for v in value)
    return value
