"""The report as PDF, typeset by WeasyPrint from the HTML form (needs CJK fonts installed)."""

from __future__ import annotations

from chuanyu.core.pdf import html_to_pdf
from chuanyu.ledger.reports.html import render_html
from chuanyu.ledger.reports.model import Report


def render_pdf(report: Report) -> bytes:
    """PDF bytes of the report (MissingExtra when `chuanyu[pdf]` is not installed)."""
    return html_to_pdf(render_html(report))
