"""The report as an Excel workbook with native charts."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from chuanyu.ledger.reports.build import total_value
from chuanyu.ledger.reports.model import Report, chinese_date

HEAD = Font(bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="B22222")
# Zip entries carry this time (the earliest a zip holds): the same report gives the same bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _header(ws: Worksheet, row: list[str], widths: list[int]) -> None:
    ws.append(row)
    for i, cell in enumerate(ws[ws.max_row], start=0):
        cell.font, cell.fill = HEAD, HEAD_FILL
        ws.column_dimensions[cell.column_letter].width = widths[i]
    ws.freeze_panes = ws.cell(row=ws.max_row + 1, column=1)


def _text(ws: Worksheet, report: Report) -> None:
    """The source's own sentences in reading order, each with its line reference."""
    ws.title = "报告"
    ws.append([report.title])
    ws["A1"].font = Font(bold=True, size=14, color="B22222")
    doc = report.document
    ws.append([doc.issuer if doc else "", chinese_date(report.as_of)])
    ws.append([f"导出节点：{report.exported_by or '—'}"])
    _header(ws, ["部分", "内容", "原文行号"], [22, 100, 16])
    if doc:
        for s in doc.introduction:
            ws.append(["一、总体情况", s.text, s.reference])
    count = f"台账认定“第一次”{report.first_count}个，逐条记录事项{report.entry_count}条。"
    ws.append(["一、总体情况", count, ""])
    for stage in report.stages:
        if stage.text:
            part = f"二、{stage.text.name.text}"
            ws.append([part, stage.text.span.text, stage.text.span.reference])
            for s in stage.text.narrative:
                ws.append([part, s.text, s.reference])
    if doc:
        ws.append(["二、五届八次全会决议", doc.resolution.text, doc.resolution.reference])
    for f in report.firsts:
        for s in f.statements:
            ws.append([f"三、{f.title}", s.text, s.reference])
    for row in ws.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _firsts(ws: Worksheet, report: Report) -> None:
    ws.append([f"{report.first_count}个“第一次”（截至{chinese_date(report.as_of)}）"])
    ws["A1"].font = Font(bold=True, size=14, color="B22222")
    _header(
        ws,
        ["序号", "类别", "事项", "日期", "阶段", "参与方", "数据", "状态"],
        [6, 34, 46, 14, 12, 46, 40, 12],
    )
    for i, f in enumerate(report.firsts, 1):
        e = f.entry
        figures = [x.label + x.text for x in e.figures] if e else []
        for r in f.related:
            figures += [f"{r.title}：{x.label}{x.text}" for x in r.figures]
        figures += [f"{t.when}：{t.label}{t.reported_text}" for t in f.totals]
        ws.append(
            [
                i,
                f.title,
                e.title if e else "",
                e.date_label if e else "",
                e.stage_name if e else "",
                "、".join(p.name for p in e.parties) if e else "",
                "；".join(figures),
                f.status_label,
            ]
        )
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _totals(ws: Worksheet, report: Report) -> None:
    _header(
        ws,
        ["指标", "单位", "公布数", "公布时点", "台账计数", "系统记录数", "台账核对"],
        [36, 8, 12, 14, 12, 12, 40],
    )
    for t in report.totals:
        ws.append(
            [
                t.label,
                t.unit,
                total_value(t.reported),
                t.when or None,
                total_value(t.ledger),
                t.live,
                t.reconciliation,
            ]
        )
    chart = BarChart()
    chart.type, chart.title = "bar", "公布数与台账计数（数量级较小的指标）"
    small = [i for i, t in enumerate(report.totals, start=2) if (t.reported or 0) < 1000]
    if small:
        first, last = small[0], small[-1]
        chart.add_data(Reference(ws, min_col=3, min_row=1, max_row=last), titles_from_data=True)
        chart.add_data(Reference(ws, min_col=5, min_row=1, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
        chart.height, chart.width = 9, 18
        ws.add_chart(chart, "I2")


def _per_stage(ws: Worksheet, report: Report) -> None:
    kinds = sorted({k for row in report.per_stage_kind.values() for k in row})
    _header(ws, ["阶段"] + [report.kind_labels.get(k, k) for k in kinds], [14] + [12] * len(kinds))
    for stage, row in report.per_stage_kind.items():
        ws.append([stage] + [row.get(k, 0) for k in kinds])
    if kinds and report.per_stage_kind:
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
        chart.title, chart.y_axis.title = "各阶段台账事项（按类型）", "条"
        data = Reference(ws, min_col=2, max_col=1 + len(kinds), min_row=1, max_row=ws.max_row)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=ws.max_row))
        chart.height, chart.width = 9, 18
        ws.add_chart(chart, "A" + str(ws.max_row + 3))


def _timeline(ws: Worksheet, report: Report) -> None:
    _header(ws, ["第一次", "日期（起）", "日期（止）", "阶段"], [40, 16, 16, 14])
    for item in report.timeline:
        ws.append([item.label, item.start, item.end, item.stage_name])
        ws.cell(row=ws.max_row, column=2).number_format = "yyyy-mm-dd"
        ws.cell(row=ws.max_row, column=3).number_format = "yyyy-mm-dd"
    for item in report.undated:
        ws.append([item.label, "原文未注明", "原文未注明", item.stage_name])


def _fixed_zip(data: bytes, stamp: datetime) -> bytes:
    """The archive with fixed times: entries at ZIP_TIME, the document modified at `stamp`.

    openpyxl stamps both with the current time when it saves, whatever the properties say.
    """
    modified = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = modified.sub(rb"\g<1>" + when + rb"\g<2>", body)
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type, fixed.external_attr = info.compress_type, info.external_attr
            dst.writestr(fixed, body)
    return out.getvalue()


def render_xlsx(report: Report) -> bytes:
    """Workbook bytes: text, firsts, totals and per-stage counts (with charts), timeline."""
    wb = Workbook()
    _text(wb.active, report)
    _firsts(wb.create_sheet("第一次"), report)
    _totals(wb.create_sheet("累计数据"), report)
    _per_stage(wb.create_sheet("阶段与类型"), report)
    _timeline(wb.create_sheet("时间线"), report)
    stamp = datetime(report.as_of.year, report.as_of.month, report.as_of.day)
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.creator = wb.properties.lastModifiedBy = "川渝通办"
    wb.properties.title = report.title
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip(buf.getvalue(), stamp)
