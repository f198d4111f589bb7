"""Optional dependencies: a missing extra is named, in Chinese and English, with its pip extra."""

from __future__ import annotations

import sys

import pytest

from chuanyu.core import extras
from chuanyu.core.extras import MissingExtra


def test_missing_pdf_extra_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(MissingExtra) as caught:
        extras.require("weasyprint")
    assert "chuanyu[pdf]" in caught.value.detail
    assert "生成 PDF" in caught.value.detail and "PDF output" in caught.value.detail
    assert caught.value.status == 503 and caught.value.code == "missing_extra"


def test_postgres_url_without_driver_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(MissingExtra, match=r"chuanyu\[postgres\]"):
        extras.require_database_driver("postgresql+psycopg://127.0.0.1/test")
    extras.require_database_driver("sqlite:///var/CQ.db")  # SQLite needs no extra


def test_installed_extra_is_imported() -> None:
    assert hasattr(extras.require("weasyprint"), "HTML")


def test_pdf_without_extra_fails_with_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    from chuanyu.core.pdf import html_to_pdf

    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(MissingExtra, match=r"chuanyu\[pdf\]"):
        html_to_pdf("<p>川渝通办</p>")
