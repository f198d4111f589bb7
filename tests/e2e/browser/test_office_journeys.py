"""The joint office's report, the administrator's status page and the message centre, in
Chromium on a phone (390×844) and a desktop (1366×900), on the demo's two nodes.

Screenshots: var/screenshots/journey-<name>-<size>.png.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from chuanyu.window.enums import Action
from chuanyu.window.schemas import TransitionIn
from tests.e2e.browser.conftest import DESKTOP, PHONE, demo_citizen_case, new_page, sign_in
from tests.support.nodes import LiveFederation

pytestmark = pytest.mark.browser

SIZES = {"390": PHONE, "1366": DESKTOP}


def _shot(page: Any, folder: Path, name: str, size: str) -> None:
    page.screenshot(path=str(folder / f"journey-{name}-{size}.png"), full_page=True)


def _fits(page: Any) -> None:
    """Nothing wider than the screen; on a phone, a header of at most 64 px."""
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways: {widths}"
    if widths[1] <= PHONE["width"]:
        header = page.evaluate(
            "document.querySelector('header.topbar').getBoundingClientRect().height")
        assert header <= 64, f"{page.url}: the header is {header} px tall"


def _serious_axe_violations(page: Any, source: str) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=source)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                           ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    return [f"{v['id']} ({v['impact']}): {v['help']}" for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


def _open_menu_item(page: Any, label: str) -> None:
    """Follow a menu entry as a visitor would (the menu folds away on a phone)."""
    menu = page.locator("details.menu")
    if menu.get_attribute("open") is None:
        page.locator("details.menu > summary").click()
    with page.expect_navigation():
        page.locator(".menu-panel").get_by_role("link", name=label, exact=True).click()


@pytest.mark.parametrize("size", SIZES)
def test_joint_office_reads_the_ledger_report_and_downloads_the_pdf(
        size: str, browser: Any, demo_federation: LiveFederation,
        screenshots: Path) -> None:  # fmt: skip
    base = demo_federation.cq.url
    page = new_page(browser, SIZES[size])
    try:
        sign_in(page, base, "cq-joint_office")
        _open_menu_item(page, "合作台账")
        assert page.url.rstrip("/").endswith("/ledger")
        heading = page.locator("main h1").first.inner_text()
        assert "第一次" in heading or "川渝" in heading
        assert re.search(r"台账记录 \d+ 条", page.inner_text("main"))
        _fits(page)
        _shot(page, screenshots, "report-1-dashboard", size)

        with page.expect_navigation():
            page.get_by_role("link", name="HTML", exact=True).click()
        report = page.inner_text("body")
        assert "总体情况" in report and "累计数据核对" in report
        _shot(page, screenshots, "report-2-report", size)
        page.go_back()

        pdf_link = page.get_by_role("link", name="PDF", exact=True)
        href = pdf_link.get_attribute("href")
        assert href is not None and "format=pdf" in href
        pdf = page.request.get(f"{base}{href}")  # with the signed-in session's cookie
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
        assert pdf.body().startswith(b"%PDF") and len(pdf.body()) > 10_000
    finally:
        page.context.close()


@pytest.mark.parametrize("size", SIZES)
def test_administrator_checks_the_status_of_both_regions(
        size: str, browser: Any, demo_federation: LiveFederation,
        screenshots: Path) -> None:  # fmt: skip
    base = demo_federation.cq.url
    page = new_page(browser, SIZES[size])
    try:
        sign_in(page, base, "cq-admin")
        _open_menu_item(page, "节点状态")
        assert page.url.endswith("/status")
        assert page.inner_text("#member") == "CQ"

        def sc_reachable() -> bool:
            # The page probes SC with a short timeout; a busy machine can miss one probe.
            text = page.locator("tr.peer[data-member=SC]").inner_text()
            if "不可达" in text:
                page.reload()
                return False
            return "可达" in text

        demo_federation.wait_until(sc_reachable, timeout=60, message="SC shown as reachable")
        assert page.inner_text("#backlog").strip().isdigit()
        assert int(page.inner_text("#audit-entries")) >= 1
        assert page.inner_text("#notice-failed") == "0"  # the notice outbox, on the same page
        _fits(page)
        _shot(page, screenshots, "status-1-admin", size)
    finally:
        page.context.close()


def _unread(page: Any) -> int:
    return int(page.locator("a.notices-link").get_attribute("data-unread") or 0)


@pytest.mark.parametrize("size", SIZES)
def test_citizen_reads_a_notice_in_the_message_centre_and_opens_the_case(
        size: str, browser: Any, axe_source: str, demo_federation: LiveFederation,
        screenshots: Path) -> None:  # fmt: skip
    base = demo_federation.cq.url
    number = demo_citizen_case(demo_federation, Action.ACCEPT,
                               TransitionIn(note=None, materials=[], repeat_reason=None))
    page = new_page(browser, SIZES[size])
    try:
        sign_in(page, base, "cq-citizen")
        before = _unread(page)
        assert before >= 1
        badge = page.locator("a.notices-link")
        assert badge.is_visible() and str(before) in badge.inner_text()
        _fits(page)
        with page.expect_navigation():
            badge.click()
        assert page.locator("h1").inner_text() == "站内消息"
        item = page.locator("li.notice-item", has_text=number).first
        assert "办件已受理" in item.inner_text() and "未读" in item.inner_text()
        assert "预计" in item.inner_text()
        _fits(page)
        assert _serious_axe_violations(page, axe_source) == []
        _shot(page, screenshots, "notices-1-list", size)

        with page.expect_navigation():
            item.get_by_role("button", name="查看详情").click()
        assert page.url.endswith(f"/window/cases/{number}")
        assert number in page.inner_text("main")
        assert _unread(page) == before - 1

        page.goto(f"{base}/notices/settings")
        page.fill("#email", "not-an-address")
        with page.expect_navigation():
            page.get_by_role("button", name="保存").click()
        assert "请填写有效的电子邮箱地址" in page.locator("#email-error").inner_text()
        assert page.locator("#email").get_attribute("aria-invalid") == "true"
        _fits(page)
        assert _serious_axe_violations(page, axe_source) == []
        _shot(page, screenshots, "notices-2-settings-error", size)
    finally:
        page.context.close()
