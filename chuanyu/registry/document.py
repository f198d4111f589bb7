"""The licence as a document: QR code (segno), HTML body and PDF (weasyprint)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape

from chuanyu.core.links import public_url
from chuanyu.core.pdf import html_to_pdf
from chuanyu.registry.enums import STATUS_LABELS
from chuanyu.registry.schemas import LicenceRead
from chuanyu.web.filters import beijing, cn_date

if TYPE_CHECKING:
    from chuanyu.node import Node

TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates"


def qr_svg(payload: str, *, scale: int = 3) -> str:
    """The QR code of a payload as inline SVG markup."""
    buffer = io.BytesIO()
    segno.make(payload, error="m").save(
        buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, nl=False
    )
    return buffer.getvalue().decode()


def qr_data_uri(payload: str, *, scale: int = 3) -> str:
    """The QR code of a payload as an SVG data URI (usable in a PDF)."""
    return str(segno.make(payload, error="m").svg_data_uri(scale=scale, border=2))


def issuer_name(node: Node, lic: LicenceRead) -> str:
    """Display name of the member whose node signed the licence."""
    member = node.descriptor.members.get(lic.issuer_member)
    return member.name if member is not None else lic.issuer_member


def verify_url(node: Node, code: str) -> str:
    """The public verification page of a licence: what its QR code opens."""
    return public_url(node, "/registry/verify", uscc=code)


def licence_context(lic: LicenceRead, issuer_name: str, *, url: str) -> dict[str, Any]:
    """What the licence templates need besides the licence itself (`url`: its verify page)."""
    return {
        "lic": lic,
        "issuer_name": issuer_name,
        "verify_url": url,
        "qr": qr_data_uri(url),
        "status_label": STATUS_LABELS[lic.status],
    }


_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters.update(beijing=beijing, cn_date=cn_date)


def licence_html(lic: LicenceRead, issuer_name: str, *, url: str) -> str:
    """The standalone HTML document of a licence (what the PDF is made from)."""
    return _env.get_template("registry/licence_document.html").render(
        **licence_context(lic, issuer_name, url=url)
    )


def licence_pdf(lic: LicenceRead, issuer_name: str, *, url: str) -> bytes:
    """The licence as a landscape A4 PDF with CJK text and its QR code."""
    return html_to_pdf(licence_html(lic, issuer_name, url=url))
