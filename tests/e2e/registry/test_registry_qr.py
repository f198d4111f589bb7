"""The licence QR code opens the public verification page of that licence, which verifies it."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from chuanyu.core.links import public_url
from chuanyu.registry import document
from tests.conftest import AppClient
from tests.e2e.registry.test_registry_api import issue


def test_licence_qr_encodes_the_public_verification_url(client: AppClient) -> None:
    registrar = client.login_as("registrar")
    lic = issue(client, registrar, "重庆两江扫码核验科技有限公司")
    client.page_login("registrar")
    page = client.get(f"/registry/licences/{lic['uscc']}").text
    url = public_url(client.node, "/registry/verify", uscc=lic["uscc"])
    assert url.startswith("http") and url.endswith(f"/registry/verify?uscc={lic['uscc']}")
    # The image on the page is the QR code of that URL, not of the signed payload.
    found = re.search(r'<img src="([^"]+)" alt="核验二维码"', page)
    assert found is not None
    src = html.unescape(found.group(1))
    assert src == document.qr_data_uri(url)
    assert src != document.qr_data_uri(lic["qr_payload"])
    assert html.escape(url) in page


def test_verification_url_verifies_without_sign_in(client: AppClient) -> None:
    registrar = client.login_as("registrar")
    lic = issue(client, registrar, "重庆两江公开核验科技有限公司")
    url = public_url(client.node, "/registry/verify", uscc=lic["uscc"])
    parts = urlsplit(url)
    anonymous = client.get(f"{parts.path}?{parts.query}")
    assert anonymous.status_code == 200
    assert 'data-outcome="valid"' in anonymous.text
    assert "重庆两江公开核验科技有限公司" in anonymous.text


def test_licence_pdf_bytes_are_reproducible(client: AppClient) -> None:
    registrar = client.login_as("registrar")
    lic = issue(client, registrar, "重庆两江同字节科技有限公司")
    first = client.get(f"/api/registry/licences/{lic['uscc']}/pdf", headers=registrar).content
    second = client.get(f"/api/registry/licences/{lic['uscc']}/pdf", headers=registrar).content
    assert first.startswith(b"%PDF") and first == second
