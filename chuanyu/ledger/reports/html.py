"""The report as a standalone HTML document with inline SVG charts."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from chuanyu.ledger.reports.document import Statement
from chuanyu.ledger.reports.model import Report, chinese_date, chinese_numeral, format_number
from chuanyu.ledger.reports.svg import bar_chart, timeline_chart

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"


def fmt(value: Decimal | int | None) -> str:
    """A count for display, or a dash."""
    return "—" if value is None else format_number(value)


def quote(statement: Statement) -> Markup:
    """A sentence of the source with its line reference."""
    return Markup('<p class="ly-quote">{}<span class="ly-ref">〔{}〕</span></p>').format(
        escape(statement.text), statement.reference
    )


@cache
def environment() -> jinja2.Environment:
    """Jinja environment over the web templates (the report shares its partial with pages)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(fmt=fmt, quote=quote, cn=chinese_numeral, cn_date=chinese_date)
    return env


def charts(report: Report) -> dict[str, str]:
    """The two SVG charts of a report."""
    return {
        "bar_svg": bar_chart(report.per_stage_kind, report.kind_labels, "各阶段台账事项（按类型）"),
        "timeline_svg": timeline_chart(
            report.stages, report.timeline, report.as_of, "原文注明日期的“第一次”"
        ),
    }


def report_css() -> str:
    """The print stylesheet of the report."""
    return (TEMPLATES / "ledger" / "report.css").read_text("utf-8")


def render_html(report: Report) -> str:
    """A complete HTML document of the report."""
    template = environment().get_template("ledger/report.html")
    return template.render(report=report, css=report_css(), **charts(report))
