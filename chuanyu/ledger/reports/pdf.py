"""The report as PDF, typeset by WeasyPrint from the HTML form (needs CJK fonts installed)."""

from __future__ import annotations

import logging
import os

from chuanyu.core import extras
from chuanyu.ledger.reports.html import render_html
from chuanyu.ledger.reports.model import Report

log = logging.getLogger(__name__)


def render_pdf(report: Report) -> bytes:
    """PDF bytes of the report (MissingExtra when `chuanyu[pdf]` is not installed)."""
    html = extras.require("weasyprint").HTML

    # Embedded font subsets carry a "modified" time; fontTools takes it from SOURCE_DATE_EPOCH
    # when set, so the same report gives the same bytes on every run and node.
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    pdf = html(string=render_html(report)).write_pdf()
    if pdf is None:  # pragma: no cover - write_pdf returns bytes without a target
        raise RuntimeError("WeasyPrint produced no PDF")
    return bytes(pdf)
