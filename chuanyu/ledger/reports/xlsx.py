"""The report as an Excel workbook with native charts."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from chuanyu.ledger.reports.build import total_value
from chuanyu.ledger.reports.model import Report

HEAD = Font(bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="B22222")
WARN_FILL = PatternFill("solid", fgColor="FFF2CC")


def _header(ws: Worksheet, row: list[str], widths: list[int]) -> None:
    ws.append(row)
    for i, cell in enumerate(ws[ws.max_row], start=0):
        cell.font, cell.fill = HEAD, HEAD_FILL
        ws.column_dimensions[cell.column_letter].width = widths[i]
    ws.freeze_panes = ws.cell(row=ws.max_row + 1, column=1)


def _firsts(ws: Worksheet, report: Report) -> None:
    ws.title = "第一次"
    ws.append([report.title])
    ws["A1"].font = Font(bold=True, size=14, color="B22222")
    ws.append([f"截至 {report.as_of.isoformat()}"])
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
        figures += [f"{t.label}{t.reported_text}" for t in f.totals]
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
    for row in ws.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _totals(ws: Worksheet, report: Report) -> None:
    _header(
        ws,
        ["指标", "单位", "公布数", "公布截至", "台账计数", "系统实时数", "核对"],
        [36, 8, 12, 14, 12, 12, 10],
    )
    for t in report.totals:
        ws.append(
            [
                t.label,
                t.unit,
                total_value(t.reported),
                t.reported_as_of.isoformat() if t.reported_as_of else None,
                total_value(t.ledger),
                t.live,
                "不一致" if t.differs else "",
            ]
        )
        if t.differs:
            for cell in ws[ws.max_row]:
                cell.fill = WARN_FILL
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
    _header(ws, ["第一次", "最早可能日期", "最晚可能日期", "日期确知"], [40, 16, 16, 10])
    for item in report.timeline:
        ws.append([item.label, item.start, item.end, "是" if item.exact else "否"])
        ws.cell(row=ws.max_row, column=2).number_format = "yyyy-mm-dd"
        ws.cell(row=ws.max_row, column=3).number_format = "yyyy-mm-dd"


def render_xlsx(report: Report) -> bytes:
    """Workbook bytes: firsts, totals (with chart), per-stage counts (with chart), timeline."""
    wb = Workbook()
    _firsts(wb.active, report)
    _totals(wb.create_sheet("累计数据"), report)
    _per_stage(wb.create_sheet("阶段与类型"), report)
    _timeline(wb.create_sheet("时间线"), report)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
