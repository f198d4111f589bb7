"""The report as Markdown (same sections as the official HTML/PDF layout)."""

from __future__ import annotations

from chuanyu.ledger.reports.document import Statement
from chuanyu.ledger.reports.model import (
    EntryView,
    Report,
    chinese_date,
    chinese_numeral,
    format_number,
)


def _count(value: object) -> str:
    return "—" if value is None else format_number(value)  # type: ignore[arg-type]


def _cell(text: str) -> str:
    """A table cell: pipes escaped and line breaks folded, so every row keeps its cells."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip() or "—"


def _quote(s: Statement) -> list[str]:
    return [f"{s.text}〔{s.reference}〕", ""]


def _record(prefix: str, view: EntryView) -> str:
    parts = [view.date_label, view.stage_name, "、".join(p.name for p in view.parties)]
    if view.status == "planned":
        parts.append("计划")
    parts += [f"{f.label}{f.text}" for f in view.figures]
    parts += [f"{label}：{'；'.join(items)}" for label, items in view.lists.items()]
    return f"- {prefix}：{view.title}（{'；'.join(p for p in parts if p)}）"


def _firsts(report: Report) -> list[str]:
    out = [f"## {chinese_numeral(3)}、{report.first_count}个“第一次”", ""]
    for i, f in enumerate(report.firsts, 1):
        out += [f"### （{chinese_numeral(i)}）{f.title}", ""]
        for s in f.statements:
            out += _quote(s)
        if f.entry is None:
            out.append(f"- {f.status_label}")
            out += [_record("候选", c) for c in f.candidates]
            hidden = f.candidate_count - len(f.candidates)
            if hidden > 0:
                out.append(f"- 另有 {hidden} 条候选未列出")
        else:
            if not f.statements and f.entry.summary:
                out += [f.entry.summary, ""]
            out.append(_record("台账记录", f.entry))
            out += [_record("相关记录", r) for r in f.related]
        out += [f"- {t.when}：{t.label}{t.reported_text}；{t.reconciliation}" for t in f.totals]
        out.append("")
    return out


def _totals(report: Report) -> list[str]:
    out = [
        f"## {chinese_numeral(4)}、累计数据核对",
        "",
        "| 指标 | 公布数 | 公布时点 | 系统记录数 | 台账核对 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for t in report.totals:
        cells = [t.label, t.reported_text, t.when, _count(t.live), t.reconciliation]
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return out + [""]


def render_markdown(report: Report) -> str:
    """Markdown text of the report."""
    doc = report.document
    out = [f"# {report.title}", ""]
    if doc:
        out += [f"**{doc.issuer}**", ""]
    out += [f"{chinese_date(report.as_of)}", "", f"导出节点：{report.exported_by or '—'}", ""]
    out += [f"## {chinese_numeral(1)}、总体情况", ""]
    for s in doc.introduction if doc else ():
        out += _quote(s)
    out += [
        f"截至{chinese_date(report.as_of)}，台账认定“第一次”{report.first_count}个，"
        f"逐条记录事项{report.entry_count}条。",
        "",
        f"## {chinese_numeral(2)}、推进阶段",
        "",
    ]
    for i, stage in enumerate(report.stages, 1):
        name = stage.text.name.text if stage.text else stage.name
        span = stage.text.span.text if stage.text else stage.description
        out += [f"### （{chinese_numeral(i)}）{name}：{span}", ""]
        for n in stage.text.narrative if stage.text else ():
            out += _quote(n)
        end = chinese_date(stage.end or report.as_of)
        out += [f"台账记录本阶段事项{stage.entries}条（{chinese_date(stage.start)}至{end}）。", ""]
    if doc:
        r = doc.resolution
        out += [f"五届八次全会审议通过的决议：{r.text}〔{r.reference}〕", ""]
    out += _firsts(report)
    out += _totals(report)
    out += [f"## {chinese_numeral(5)}、时间线", ""]
    out += [f"- {t.start.isoformat()}：{t.label}" for t in report.timeline if t.exact]
    out += [
        f"- {t.start.isoformat()} 至 {t.end.isoformat()}：{t.label}"
        for t in report.timeline
        if not t.exact
    ]
    if report.undated:
        out += ["", f"原文未注明日期的“第一次”（{len(report.undated)}个）：", ""]
        out += [f"{i}. {u.label}（{u.stage_name}）" for i, u in enumerate(report.undated, 1)]
    out += ["", "## 附：来源", ""]
    if doc:
        out.append(f"- 《{doc.title.text}》原文（{doc.source_file}），各句后注明原文行号")
    out += [f"- {s}" for s in report.sources if not doc or s != doc.title.text]
    return "\n".join(out) + "\n"
