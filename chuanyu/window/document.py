"""The window's documents: the 受理回执 and the 办结通知 / decision letter, as HTML and PDF.

Typeset by WeasyPrint like the licence (`registry/document.py`) and the ledger's reports; the QR
code (segno) opens the public tracking page of the case. Font subsets take their time from
SOURCE_DATE_EPOCH, so the same case gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from chuanyu.core.errors import RuleViolation
from chuanyu.core.identifiers import mask_resident_id
from chuanyu.core.links import public_url
from chuanyu.core.pdf import html_to_pdf
from chuanyu.registry.document import qr_data_uri
from chuanyu.web.filters import beijing, cn_date
from chuanyu.window import progress
from chuanyu.window.enums import Action, CaseStatus
from chuanyu.window.schemas import CaseRead

if TYPE_CHECKING:
    from chuanyu.node import Node

TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates"
# The window of each region as printed when the deployment does not configure its own.
WINDOWS = {
    "CQ": ("重庆市政务服务中心 川渝通办综合窗口", "12345"),
    "SC": ("四川省政务服务中心 川渝通办综合窗口", "12345"),
}
DECIDED = (CaseStatus.APPROVED, CaseStatus.REJECTED, CaseStatus.DELIVERED)


@dataclass(frozen=True)
class Window:
    """Where the applicant was received, and the number they can call."""

    address: str
    hotline: str


def window_of(node: Node, member: str) -> Window:
    """The receiving window: this node's settings for its own window, else the known default."""
    address, hotline = WINDOWS.get(member, ("川渝通办综合窗口", "12345"))
    if member == node.member:
        address = node.settings.window_address or address
        hotline = node.settings.window_hotline or hotline
    return Window(address, hotline)


def tracking_url(node: Node, case_number: str) -> str:
    """The public tracking page with the case number filled in (the ID number is asked there)."""
    return public_url(node, "/window/track", case_number=case_number)


_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
# The pages' one way of writing dates and Beijing times, on the documents too.
_env.filters["cn_date"] = cn_date
_env.filters["cn_time"] = beijing


def _context(node: Node, case: CaseRead) -> dict[str, Any]:
    url = tracking_url(node, case.case_number)
    return {
        "case": case,
        "masked_id": mask_resident_id(case.applicant_id_number),
        "window": window_of(node, case.intake_member),
        "tracking_url": url,
        "qr": qr_data_uri(url),
        "steps": progress.steps(case.status, (e.action for e in case.events)),
    }


def _decision_event(case: CaseRead) -> Any:
    wanted = (Action.APPROVE.value, Action.REJECT.value)
    return next((e for e in reversed(case.events) if e.action in wanted), None)


def receipt_html(node: Node, case: CaseRead) -> str:
    """The 受理回执 of a case as a standalone HTML document."""
    return _env.get_template("window/receipt_document.html").render(**_context(node, case))


def decision_html(node: Node, case: CaseRead) -> str:
    """The 办结通知 (approval) or 不予办理决定书 (refusal) of a decided case."""
    event = _decision_event(case)
    if case.status not in DECIDED or event is None:
        raise RuleViolation("办件尚未作出决定，暂无办结通知")
    context = {**_context(node, case), "decision": event,
               "approved": event.action == Action.APPROVE.value}  # fmt: skip
    return _env.get_template("window/decision_document.html").render(**context)


def to_pdf(html: str) -> bytes:
    """An HTML document as PDF bytes (reproducible: see the module docstring)."""
    return html_to_pdf(html)
