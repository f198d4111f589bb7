"""The one validation translator: Pydantic's errors as Chinese field messages.

Every page form and the API error handler go through `field_errors` / `invalid_input` (or
`zh_message` for one error), so no visitor ever reads Pydantic's English.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from chuanyu.core.errors import FieldError, InvalidInput

_ZH_MESSAGES: dict[str, str] = {
    "missing": "必填",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}",
    "multiple_of": "应为 {multiple_of} 的整数倍",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "decimal_max_places": "最多 {decimal_places} 位小数",
    "decimal_max_digits": "数值过大（最多 {max_digits} 位数字）",
    "decimal_whole_digits": "整数部分过长（最多 {whole_digits} 位）",
    "finite_number": "应为有限的数字",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "int_parsing_size": "数值过大",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_inexact": "应为日期（不含时间）",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "date_past": "应为今天以前的日期",
    "date_future": "应为今天以后的日期",
    "datetime_parsing": "时间格式有误",
    "datetime_type": "时间格式有误",
    "datetime_from_date_parsing": "时间格式有误",
    "timezone_aware": "时间须带时区",
    "string_type": "应为文字",
    "string_too_short": "至少 {min_length} 个字",
    "string_too_long": "过长（最多 {max_length} 个字）",
    "string_pattern_mismatch": "格式不正确",
    "string_unicode": "应为有效的文字",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "项目过多（最多 {max_length} 项）",
    "list_type": "应为列表",
    "dict_type": "格式有误",
    "model_type": "格式有误",
    "model_attributes_type": "格式有误",
    "enum": "取值无效，可选：{expected}",
    "literal_error": "取值无效，可选：{expected}",
    "bool_parsing": "应为是/否",
    "bool_type": "应为是/否",
    "extra_forbidden": "无法识别的字段",
    "json_invalid": "请求体不是有效的 JSON（应为 UTF-8 编码）",
    "json_type": "应为 JSON",
    "url_parsing": "网址格式不正确",
    "url_type": "网址格式不正确",
    "uuid_parsing": "编号格式不正确",
    "uuid_type": "编号格式不正确",
    "bytes_too_long": "文件过大",
    "bytes_too_short": "文件为空",
    "value_error": "输入有误",
    "assertion_error": "输入有误",
    "union_tag_invalid": "取值无效",
    "union_tag_not_found": "缺少类型字段",
}

# How a field is called on the forms, for messages that stand without the form around them.
FIELD_LABELS: dict[str, str] = {
    "case_number": "办件编号", "id_number": "证件号码", "resident_id": "身份证号码",
    "name": "姓名", "applicant_name": "申请人姓名", "phone": "手机号码",
    "contact_phone": "联系电话", "contact_name": "联系人", "uscc": "统一社会信用代码",
    "employer_uscc": "统一社会信用代码", "employer_name": "单位名称", "title": "标题",
    "payload": "执照内容", "matter_code": "办理事项", "address": "地址", "note": "备注",
    "reason": "理由", "amount": "金额", "years": "年限", "principal": "贷款金额",
    "rate": "年利率", "method": "还款方式", "salary_min": "最低月薪", "salary_max": "最高月薪",
    "headcount": "招聘人数", "description": "岗位描述", "valid_from": "开始日期",
    "valid_to": "截止日期", "date": "日期", "kind": "类别", "parties": "参与方",
    "password": "密码", "username": "用户名", "q": "搜索词", "region": "地区",
    "offset": "起始位置", "limit": "每页条数", "page": "页码",
}

_WRAPPERS = ("body", "query", "path", "form", "header", "cookie")


def zh_message(error: Mapping[str, Any]) -> str:
    """A readable Chinese message for one Pydantic error (our own validators already are)."""
    kind = str(error.get("type", ""))
    ctx = dict(error.get("ctx") or {})
    if kind in ("value_error", "assertion_error"):
        text = str(error.get("msg", "")).removeprefix("Value error, ").removeprefix(
            "Assertion failed, ")
        return text if is_chinese(text) else _ZH_MESSAGES[kind]
    value = error.get("input")
    if kind in ("too_short", "string_too_short") and (value is None or value in ("", [], {})):
        return "必填"
    if kind == "too_short" and isinstance(value, str):
        kind = "string_too_short"
    if kind == "too_long" and isinstance(value, str):
        kind = "string_too_long"
    if kind in ("enum", "literal_error") and "expected" in ctx:
        ctx["expected"] = str(ctx["expected"]).replace(" or ", "、").replace("'", "")
    template = _ZH_MESSAGES.get(kind)
    if template is None:
        message = str(error.get("msg", ""))
        return message if is_chinese(message) else "输入有误"
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template.split("{")[0].rstrip("（ ：") or "输入有误"


def is_chinese(text: str) -> bool:
    """True when `text` contains Chinese characters (a message fit to show as it is)."""
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


_HTTP_TITLES = {400: "请求无法处理", 401: "请先登录", 403: "无权操作", 404: "未找到",
                405: "不支持此请求方法", 406: "无法提供所要求的格式", 409: "与现有数据冲突",
                413: "提交的内容过大", 415: "不支持的内容类型", 422: "输入有误",
                429: "操作过于频繁，请稍后再试", 500: "系统暂时出错", 503: "服务暂时不可用"}


def zh_http_title(status: int) -> str:
    """A Chinese title for an HTTP status the framework raised by itself."""
    return _HTTP_TITLES.get(status, "请求无法处理")


def field_name(loc: Iterable[Any], prefix: str = "") -> str:
    """A dotted field name from a Pydantic location (request wrappers left out)."""
    parts = [str(p) for p in loc if p not in _WRAPPERS]
    return ".".join(p for p in (prefix, *parts) if p) or "body"


def label_of(field: str) -> str:
    """The Chinese name of a field ('' when unknown): its last part, looked up."""
    last = field.rsplit(".", 1)[-1]
    return FIELD_LABELS.get(last, "")


def field_errors(errors: ValidationError | Iterable[Mapping[str, Any]],
                 prefix: str = "") -> list[FieldError]:
    """Pydantic errors as Chinese field messages, one per error."""
    items = errors.errors() if isinstance(errors, ValidationError) else errors
    return [FieldError(field_name(e.get("loc", ()), prefix), zh_message(e)) for e in items]


def by_field(errors: ValidationError | Iterable[Mapping[str, Any]],
             prefix: str = "") -> dict[str, str]:
    """The first Chinese message per field, for a page form (`{field: message}`)."""
    out: dict[str, str] = {}
    for e in field_errors(errors, prefix):
        out.setdefault(e.field, e.message)
    return out


def summary(errors: Iterable[FieldError]) -> str:
    """One line for a problem's detail: "办件编号：至少 8 个字；证件号码：必填"."""
    parts = []
    for e in errors:
        label = label_of(e.field)
        parts.append(f"{label}：{e.message}" if label else e.message)
    return "输入有误：" + "；".join(parts) if parts else "输入有误"


def invalid_input(errors: ValidationError | Iterable[Mapping[str, Any]],
                  prefix: str = "") -> InvalidInput:
    """Pydantic errors as the core's InvalidInput (422), in Chinese, one message per field."""
    fields = field_errors(errors, prefix)
    return InvalidInput(summary(fields), errors=fields)
