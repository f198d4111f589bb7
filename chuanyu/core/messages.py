"""Readable Chinese messages for Pydantic's built-in validation errors."""

from __future__ import annotations

from typing import Any

_ZH_MESSAGES: dict[str, str] = {
    "missing": "必填",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "decimal_max_places": "最多 {decimal_places} 位小数",
    "decimal_max_digits": "数值过大（最多 {max_digits} 位数字）",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "string_too_short": "不能为空",
    "string_too_long": "过长（最多 {max_length} 个字）",
    "too_long": "项目过多",
    "string_pattern_mismatch": "取值无效",
    "enum": "取值无效，可选：{expected}",
    "bool_parsing": "应为是/否",
    "extra_forbidden": "无法识别的字段",
    "json_invalid": "请求体不是有效的 JSON（应为 UTF-8 编码）",
}


def zh_message(error: Any) -> str:
    """A readable Chinese message for one Pydantic error (our own validators already are)."""
    kind = str(error.get("type", ""))
    if kind == "value_error":
        return str(error.get("msg", "")).removeprefix("Value error, ")
    template = _ZH_MESSAGES.get(kind)
    if template is None:
        return str(error.get("msg", "输入有误"))
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return template
