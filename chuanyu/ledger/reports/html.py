"""The report as a standalone HTML document with inline SVG charts."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import jinja2

from chuanyu.ledger.reports.model import Report, format_number
from chuanyu.ledger.reports.svg import bar_chart, timeline_chart

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"


def fmt(value: Decimal | int | None) -> str:
    """A count for display, or a dash."""
    return "—" if value is None else format_number(value)


@cache
def environment() -> jinja2.Environment:
    """Jinja environment over the web templates (the report shares its partial with pages)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["fmt"] = fmt
    return env


def charts(report: Report) -> dict[str, str]:
    """The two SVG charts of a report."""
    return {
        "bar_svg": bar_chart(report.per_stage_kind, report.kind_labels, "各阶段台账事项（按类型）"),
        "timeline_svg": timeline_chart(
            report.stages, report.timeline, report.as_of, "“第一次”时间线"
        ),
    }


def report_css() -> str:
    """The print stylesheet of the report."""
    return (TEMPLATES / "ledger" / "report.css").read_text("utf-8")


def render_html(report: Report) -> str:
    """A complete HTML document of the report."""
    template = environment().get_template("ledger/report.html")
    return template.render(report=report, css=report_css(), **charts(report))
