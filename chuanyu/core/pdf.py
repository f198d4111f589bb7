"""HTML to PDF (WeasyPrint, the `pdf` extra; CJK fonts from the system), byte-reproducible."""

from __future__ import annotations

import logging
import os

from chuanyu.core import extras


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of an HTML document; MissingExtra when `chuanyu[pdf]` is not installed.

    Embedded font subsets carry a "modified" time; fontTools takes it from SOURCE_DATE_EPOCH
    when set, so the same document gives the same bytes on every run and node.
    """
    weasyprint = extras.require("weasyprint")
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    pdf = weasyprint.HTML(string=html).write_pdf()
    if pdf is None:  # pragma: no cover - write_pdf returns bytes without a target
        raise RuntimeError("WeasyPrint produced no PDF")
    return bytes(pdf)
