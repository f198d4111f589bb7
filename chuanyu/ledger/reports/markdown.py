"""The report as Markdown."""

from __future__ import annotations

from chuanyu.ledger.reports.model import EntryView, Report, TotalView, format_number


def _count(value: object) -> str:
    return "—" if value is None else format_number(value)  # type: ignore[arg-type]


def _entry_lines(view: EntryView, prefix: str = "") -> list[str]:
    parties = "、".join(p.name for p in view.parties)
    lines = [f"{prefix}- **{view.title}**（{view.date_label}；{view.stage_name}）", ""]
    if view.summary:
        lines.append(f"{prefix}  {view.summary}")
    lines.append(f"{prefix}  参与方：{parties}")
    for f in view.figures:
        lines.append(f"{prefix}  - {f.label}：{f.text}")
    for label, items in view.lists.items():
        lines.append(f"{prefix}  - {label}：{'；'.join(items)}")
    lines.append("")
    return lines


def _total_line(t: TotalView) -> str:
    flag = " ⚠ 与公布数不一致" if t.differs else ""
    return (
        f"| {t.label} | {t.reported_text} | {_count(t.ledger)} | {_count(t.live)} |"
        f" {t.reported_as_of or '—'} |{flag}"
    )


def render_markdown(report: Report) -> str:
    """Markdown text of the report."""
    out = [f"# {report.title}", "", f"截至 {report.as_of.isoformat()}", "", "## 阶段", ""]
    for s in report.stages:
        end = s.end.isoformat() if s.end else "今"
        out.append(f"- **{s.name}**（{s.start.isoformat()} 至 {end}）：{s.description}")
    out += ["", "## 第一次", ""]
    for i, f in enumerate(report.firsts, 1):
        out.append(f"### {i}. {f.title}")
        out.append("")
        if f.entry is None:
            out.append(f"{f.status_label}。")
            for c in f.candidates:
                out += _entry_lines(c)
            hidden = f.candidate_count - len(f.candidates)
            if hidden > 0:
                out += [f"另有 {hidden} 条候选未列出。", ""]
        else:
            out += _entry_lines(f.entry)
        for r in f.related:
            out += _entry_lines(r, prefix="  ")
        for t in f.totals:
            out.append(f"截至目前：{t.label} {t.reported_text}（台账记录 {_count(t.ledger)}）")
        out.append("")
    out += [
        "## 累计数据",
        "",
        "| 指标 | 公布数 | 台账计数 | 系统实时数 | 公布截至 |",
        "|---|---|---|---|---|",
    ]
    out += [_total_line(t) for t in report.totals]
    if report.uncertain:
        out += ["", "## 日期不详、可能已发生的事项", ""]
        for u in report.uncertain:
            out += _entry_lines(u)
    out += ["", "## 来源", ""] + [f"- {s}" for s in report.sources]
    return "\n".join(out) + "\n"
