"""Excel/CSV import with a template, and export of the ledger in the same layout.

The whole file is checked before anything is written: one bad row and nothing is imported,
with a row-by-row list of what is wrong and where.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from pydantic import ValidationError

from chuanyu.core import tables
from chuanyu.core.fields import without_control_characters
from chuanyu.core.messages import zh_message
from chuanyu.ledger import parties
from chuanyu.ledger.catalogue import ENTRY_METRICS
from chuanyu.ledger.enums import (
    KIND_LABELS,
    MEETING_LABELS,
    SERVICE_LABELS,
    EntryKind,
    MeetingKind,
    ServiceKind,
)
from chuanyu.ledger.schemas import EntryCreate, EntryRead

# (header, field) in sheet order.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("编号", "id"),
    ("类型", "kind"),
    ("标题", "title"),
    ("日期", "date"),
    ("阶段", "stage"),
    ("不晚于", "no_later_than"),
    ("状态", "status"),
    ("参与方代码", "parties"),
    ("会议类型", "meeting_kind"),
    ("服务类型", "service_kind"),
    ("指标", "metrics"),
    ("标签", "tags"),
    ("分组", "group"),
    ("摘要", "summary"),
    ("来源", "source"),
    ("其他明细(JSON)", "detail"),
)
HEADERS = [h for h, _ in COLUMNS]
FIELD_OF = dict(COLUMNS)
HEADER_OF = {f: h for h, f in COLUMNS}
SEPARATORS = ("、", "；", ";", ",", "，")
STATUS_WORDS = {"已完成": "done", "完成": "done", "计划": "planned", "": "done"}


@dataclass(frozen=True, slots=True)
class RowError:
    """What is wrong in one row (row numbers count the header as row 1)."""

    row: int
    field: str
    message: str

    def text(self) -> str:
        """E.g. 第3行「参与方代码」：未知的参与方代码：999999."""
        return f"第{self.row}行「{self.field}」：{self.message}"


def _split(text: str) -> list[str]:
    for sep in SEPARATORS[1:]:
        text = text.replace(sep, SEPARATORS[0])
    return [p.strip() for p in text.split(SEPARATORS[0]) if p.strip()]


def _code_of(value: str, labels: dict[str, str]) -> str:
    reverse = {label: code for code, label in labels.items()}
    return reverse.get(value, value)


def _metrics(text: str) -> tuple[dict[str, Decimal], dict[str, str]]:
    """'projects=60；duration_hours=约1' (keys or their Chinese labels) → values, qualifiers."""
    by_label = {label: key for key, (label, _) in ENTRY_METRICS.items()}
    values: dict[str, Decimal] = {}
    qualifiers: dict[str, str] = {}
    for part in _split(text):
        if "=" not in part:
            raise ValueError(f"指标应写作 名称=数值，如 projects=60：{part}")
        key, _, raw = part.partition("=")
        key, raw = by_label.get(key.strip(), key.strip()), raw.strip()
        qualifier = raw.rstrip("0123456789.")
        if qualifier and raw.startswith(qualifier):
            raw = raw[len(qualifier) :]
            qualifiers[key] = qualifier
        try:
            values[key] = Decimal(raw)
        except InvalidOperation as exc:
            raise ValueError(f"指标数值无效：{part}") from exc
    return values, qualifiers


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _row_to_data(row: dict[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Map a sheet row to entry fields; returns field errors the schema cannot see."""
    errors: list[tuple[str, str]] = []
    data: dict[str, Any] = {}
    for header, field in COLUMNS:
        data[field] = row.get(header, "")
    out: dict[str, Any] = {
        "kind": _code_of(data["kind"], dict(KIND_LABELS)),
        "title": data["title"],
        "date": data["date"],
        "status": STATUS_WORDS.get(data["status"], data["status"]),
        "parties": _split(data["parties"]),
        "summary": data["summary"],
        "tags": _split(data["tags"]),
        "source": data["source"],
    }
    for field in ("id", "stage", "no_later_than", "group"):
        if data[field]:
            out[field] = data[field]
    detail: dict[str, Any] = {}
    if data["detail"]:
        try:
            detail = dict(json.loads(data["detail"]))
        except (ValueError, TypeError):
            errors.append(("detail", "不是有效的 JSON 对象"))
    if data["meeting_kind"]:
        detail["meeting_kind"] = _code_of(data["meeting_kind"], dict(MEETING_LABELS))
        if detail["meeting_kind"] not in set(MeetingKind):
            errors.append(("meeting_kind", f"未知的会议类型：{data['meeting_kind']}"))
    if data["service_kind"]:
        detail["service_kind"] = _code_of(data["service_kind"], dict(SERVICE_LABELS))
        if detail["service_kind"] not in set(ServiceKind):
            errors.append(("service_kind", f"未知的服务类型：{data['service_kind']}"))
    out["detail"] = detail
    try:
        out["metrics"], out["qualifiers"] = _metrics(data["metrics"])
    except ValueError as exc:
        errors.append(("metrics", str(exc)))
    return out, errors


def check_rows(
    rows: Sequence[dict[str, str]],
) -> tuple[list[tuple[int, EntryCreate]], list[RowError]]:
    """Validate every row; (row number, entry) pairs count only when there are no errors."""
    entries: list[tuple[int, EntryCreate]] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        data, problems = _row_to_data(row)
        errors += [RowError(number, HEADER_OF[f], m) for f, m in problems]
        if not data["title"] and not data["kind"] and not data["parties"]:
            errors.append(RowError(number, "标题", "空行：请删除或填写"))
            continue
        try:
            entry = EntryCreate.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                field = str(err["loc"][0]) if err["loc"] else "title"
                message = zh_message(err)
                errors.append(RowError(number, HEADER_OF.get(field, field), message))
            continue
        if entry.id:
            if entry.id in seen:
                errors.append(RowError(number, "编号", f"与第{seen[entry.id]}行重复"))
            seen[entry.id] = number
        entries.append((number, entry))
    return entries, errors


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows of an .xlsx (first sheet) or .csv (UTF-8) file, keyed by header."""
    return [{k: _cell(v) for k, v in record.items()}
            for record in tables.read_table(path).records()]


def entry_row(entry: EntryRead | EntryCreate) -> list[str]:
    """An entry in sheet layout (the inverse of `check_rows`)."""
    detail = dict(entry.detail)
    meeting = str(detail.pop("meeting_kind", ""))
    service = str(detail.pop("service_kind", ""))
    values = {
        "id": entry.id or "",
        "kind": str(entry.kind),
        "title": entry.title,
        "date": entry.date,
        "stage": "" if entry.stage is None else str(entry.stage),
        "no_later_than": entry.no_later_than.isoformat() if entry.no_later_than else "",
        "status": str(entry.status),
        "parties": "、".join(entry.parties),
        "meeting_kind": meeting,
        "service_kind": service,
        "metrics": "；".join(
            f"{k}={entry.qualifiers.get(k, '')}{v}" for k, v in entry.metrics.items()
        ),
        "tags": "、".join(entry.tags),
        "group": entry.group or "",
        "summary": entry.summary,
        "source": entry.source,
        "detail": json.dumps(detail, ensure_ascii=False) if detail else "",
    }
    return [values[f] for _, f in COLUMNS]


def _styled_header(ws: Any) -> None:
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="B22222")
        ws.column_dimensions[cell.column_letter].width = 16
    ws.freeze_panes = "A2"


def workbook_bytes(entries: Iterable[EntryRead | EntryCreate], *, template: bool) -> bytes:
    """The ledger (or an empty template with instructions) as an .xlsx file."""
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    _styled_header(ws)
    for entry in entries:
        # openpyxl refuses control characters; a cell must never sink the whole export.
        ws.append([without_control_characters(v) for v in entry_row(entry)])
    kinds = DataValidation(type="list", formula1='"' + ",".join(EntryKind) + '"', allow_blank=False)
    ws.add_data_validation(kinds)
    kinds.add("B2:B5000")
    if template:
        guide = wb.create_sheet("填写说明")
        guide.append(["列", "填写方法"])
        notes = {
            "类型": "、".join(f"{k}（{v}）" for k, v in KIND_LABELS.items()),
            "日期": "2020-05-06（到日）、2020-05（到月）或留空（原文未给出）；不要推测日期",
            "阶段": "数字；只有来源明确写出阶段时填写",
            "参与方代码": "行政区划代码（如 500152）或机构代码，多个用顿号分隔",
            "会议类型": "、".join(f"{k}（{v}）" for k, v in MEETING_LABELS.items()),
            "服务类型": "、".join(f"{k}（{v}）" for k, v in SERVICE_LABELS.items()),
            "指标": "名称=数值，分号分隔；名称：" + "、".join(ENTRY_METRICS),
            "状态": "done（已完成）或 planned（计划）",
        }
        for key, text in notes.items():
            guide.append([key, text])
        guide.column_dimensions["A"].width, guide.column_dimensions["B"].width = 14, 110
        bodies = wb.create_sheet("机构代码")
        bodies.append(["代码", "名称", "地区", "层级"])
        for body in parties.bodies().values():
            bodies.append([body.code, body.name, body.region, body.level])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
