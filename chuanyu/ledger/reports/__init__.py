"""Output formats of the "N firsts" report."""

from __future__ import annotations

from chuanyu.ledger.reports.model import Report

FORMATS = ("html", "pdf", "md", "xlsx", "json")
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def render(report: Report, fmt: str) -> bytes:
    """The report in one of FORMATS."""
    if fmt == "json":
        from chuanyu.ledger.reports.jsonout import render_json

        return render_json(report)
    if fmt == "md":
        from chuanyu.ledger.reports.markdown import render_markdown

        return render_markdown(report).encode("utf-8")
    if fmt == "html":
        from chuanyu.ledger.reports.html import render_html

        return render_html(report).encode("utf-8")
    if fmt == "pdf":
        from chuanyu.ledger.reports.pdf import render_pdf

        return render_pdf(report)
    if fmt == "xlsx":
        from chuanyu.ledger.reports.xlsx import render_xlsx

        return render_xlsx(report)
    raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
