"""The web shell in a real browser: sign in, read the node status page, switch language."""

from __future__ import annotations

from typing import Any

import pytest

from chuanyu.core.security import create_user
from tests.e2e.conftest import login
from tests.support.nodes import PASSWORD, LiveFederation

pytestmark = pytest.mark.browser


def _account(live: LiveFederation, role: str) -> str:
    name = f"browser-{role}"
    with live.cq.session() as session:
        from sqlalchemy import select

        from chuanyu.core.models import User

        if session.scalar(select(User).where(User.username == name)) is None:
            create_user(session=session, username=name, password=PASSWORD, roles=[role])
    return name


def test_status_page_shows_member_peer_and_audit(live_nodes: LiveFederation, page: Any) -> None:
    live_nodes.cq.node.exchange.call("SC", "exchange.ping", {"note": "browser"})
    login(page, live_nodes.cq.url, _account(live_nodes, "joint_office"), PASSWORD)
    page.goto(f"{live_nodes.cq.url}/status")
    assert page.inner_text("#member") == "CQ"
    peer = page.locator("tr.peer[data-member=SC]")
    assert "可达" in peer.inner_text() and "不可达" not in peer.inner_text()
    assert int(page.inner_text("#audit-entries")) >= 1
    assert "HTTP" in page.content()


def test_wrong_password_stays_on_login_with_a_message(live_nodes: LiveFederation,
                                                      page: Any) -> None:
    login(page, live_nodes.cq.url, _account(live_nodes, "citizen"), "wrong-password")
    assert "用户名或密码错误" in page.content()


def test_phone_menu_is_a_drawer_with_the_public_services(live_nodes: LiveFederation,
                                                          browser: Any) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{live_nodes.cq.url}/")
        assert page.locator("header.topbar").bounding_box()["height"] <= 64
        verify = page.locator("nav.mainnav a", has_text="营业执照核验")
        assert not verify.is_visible()
        page.click("summary.menu-button")
        assert verify.is_visible()
        for label in ("办件查询", "招聘岗位", "贷款计算器"):
            assert page.locator("nav.mainnav a", has_text=label).is_visible()
        assert page.locator("nav.mainnav a", has_text="合作台账").count() == 0
        assert page.locator("nav.mainnav a", has_text="节点状态").count() == 0
        verify.click()
        page.wait_for_load_state()
        assert page.url.endswith("/registry/verify")
        assert "English" not in page.content()
    finally:
        context.close()
