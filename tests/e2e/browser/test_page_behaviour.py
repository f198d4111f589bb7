"""How pages behave in a browser: the phone menu, busy buttons and confirmations, JS or not."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.browser.conftest import DESKTOP, PHONE, new_page, sign_in
from tests.support.nodes import LiveFederation

pytestmark = pytest.mark.browser


def _no_script_page(browser: Any, viewport: dict[str, int]) -> Any:
    context = browser.new_context(locale="zh-CN", viewport=viewport, java_script_enabled=False)
    return context.new_page()


def test_phone_menu_opens_without_script(demo_federation: LiveFederation, browser: Any) -> None:
    page = _no_script_page(browser, PHONE)
    try:
        page.goto(f"{demo_federation.cq.url}/")
        track = page.locator("nav.mainnav a", has_text="办件查询")
        assert not track.is_visible()
        page.click("summary.menu-button")
        assert track.is_visible()
        assert page.locator("header.topbar").bounding_box()["height"] <= 64
    finally:
        page.context.close()


def test_desktop_menu_is_a_bar_without_script(demo_federation: LiveFederation,
                                              browser: Any) -> None:
    page = _no_script_page(browser, DESKTOP)
    try:
        page.goto(f"{demo_federation.cq.url}/")
        assert page.locator("nav.mainnav a", has_text="营业执照核验").is_visible()
        assert not page.locator("summary.menu-button").is_visible()
    finally:
        page.context.close()


def test_submit_button_says_it_is_submitting(demo_federation: LiveFederation,
                                             browser: Any) -> None:
    page = new_page(browser, PHONE)
    try:
        page.goto(f"{demo_federation.cq.url}/login")
        # Listeners run in order: this one sees the button as the page script left it, and
        # sessionStorage keeps what it saw across the navigation the form starts.
        page.evaluate("""() => document.addEventListener('submit', () => {
            const b = document.querySelector('main button[type=submit]');
            sessionStorage.setItem('seen', b.disabled + '|' + b.textContent);
        })""")
        page.fill("input[name=username]", "cq-citizen")
        page.fill("input[name=password]", "chuanyu-demo")
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert "/login" not in page.url
        assert page.evaluate("sessionStorage.getItem('seen')") == "true|正在提交…"
    finally:
        page.context.close()


def test_revoking_a_licence_asks_first_and_states_the_consequence(
        demo_federation: LiveFederation, browser: Any) -> None:
    page = _no_script_page(browser, PHONE)
    try:
        sign_in(page, demo_federation.cq.url, "cq-registrar")
        page.goto(f"{demo_federation.cq.url}/registry/")
        page.locator("main table a").first.click()
        page.wait_for_load_state()
        confirm = page.locator("button.confirm-now")
        assert not confirm.is_visible()
        opener = page.locator("details.confirm > summary")
        assert "danger" in (opener.get_attribute("class") or "")
        opener.click()
        assert confirm.is_visible() and confirm.inner_text() == "确认吊销执照"
        assert "不能撤销" in page.locator(".confirm-box").inner_text()
    finally:
        page.context.close()
