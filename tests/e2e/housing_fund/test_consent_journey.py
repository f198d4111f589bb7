"""The consent journey in Chromium: a CQ depositor at SC's counter, consent on CQ, the loan
decided on SC, and the read in the depositor's data-use log on CQ — on a desktop and a phone.
Screenshots of each step go to var/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from chuanyu.core.security import create_user
from chuanyu.housing_fund.demo import load_demo
from chuanyu.housing_fund.enums import AccountStatus
from chuanyu.housing_fund.models import Account
from tests.e2e.conftest import login
from tests.support.nodes import PASSWORD, LiveFederation

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"
VIEWPORTS = {"1366": {"width": 1366, "height": 900}, "390": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def fed(live_nodes: LiveFederation) -> LiveFederation:
    for member in ("CQ", "SC"):
        live = live_nodes[member]
        with live.session() as session:
            load_demo(session, live.node, population=30)
    SHOTS.mkdir(parents=True, exist_ok=True)
    return live_nodes


@pytest.fixture
def contexts(browser: Any, request: pytest.FixtureRequest) -> Iterator[tuple[Any, Any]]:
    """A counter clerk's browser at SC and the depositor's phone or desktop, same viewport."""
    size = VIEWPORTS[request.param]
    officer = browser.new_context(locale="zh-CN", viewport=size)
    depositor = browser.new_context(locale="zh-CN", viewport=size)
    try:
        yield officer.new_page(), depositor.new_page()
    finally:
        officer.close()
        depositor.close()


def shot(page: Any, size: str, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"consent-{size}-{name}.png"), full_page=True)


@pytest.mark.parametrize("contexts", list(VIEWPORTS), indirect=True)
def test_depositor_consents_at_home_and_sees_the_read(fed: LiveFederation,
                                                      contexts: tuple[Any, Any],
                                                      request: pytest.FixtureRequest) -> None:
    size = request.node.callspec.params["contexts"]
    clerk, depositor = contexts
    with fed.cq.session() as session:
        account = session.scalars(select(Account).where(
            Account.status == AccountStatus.NORMAL).order_by(Account.id)
            .offset(3 if size == "390" else 2).limit(1)).one()
        rid, name = account.resident_id, account.name
        create_user(session=session, username=f"depositor-{size}", password=PASSWORD,
                    roles=["citizen"], subject_id=rid)
    with fed.sc.session() as session:
        create_user(session=session, username=f"counter-{size}", password=PASSWORD,
                    roles=["fund_officer"])

    # At SC's counter: the officer files the application for the depositor.
    login(clerk, fed.sc.url, f"counter-{size}", PASSWORD)
    clerk.goto(f"{fed.sc.url}/housing_fund/apply")
    clerk.fill("input[name=resident_id]", rid)
    clerk.fill("input[name=applicant_name]", name)
    for field, value in (("amount", "200000"), ("term_years", "15"),
                         ("property_price", "800000"), ("monthly_income", "14000")):
        clerk.fill(f"input[name={field}]", value)
    clerk.check("input[name=consent]")
    clerk.click("form button.primary")
    clerk.wait_for_url("**/housing_fund/applications/**")
    assert clerk.get_attribute("#status", "data-status") == "awaiting_consent"
    assert clerk.locator("#consent-link svg").count() == 1  # the QR code
    shot(clerk, size, "1-sc-waiting-for-consent")
    link = clerk.get_attribute("#consent-url", "href")
    assert link and link.startswith(f"{fed.cq.url}/housing_fund/consent?request=")

    # At home (CQ): the depositor signs in, sees what would be shared, and consents.
    depositor.goto(link)
    depositor.wait_for_url("**/login**")
    depositor.fill("input[name=username]", f"depositor-{size}")
    depositor.fill("input[name=password]", PASSWORD)
    depositor.click("button[type=submit]")
    depositor.wait_for_url("**/housing_fund/consent?request=**")
    assert depositor.locator("#shared-fields tr").count() == 12  # header + 11 fields
    assert name in depositor.inner_text("#shared-fields")
    shot(depositor, size, "2-cq-consent")
    depositor.click("#grant")
    depositor.wait_for_url("**/housing_fund/data-log")

    # Back at SC: the certificate arrives and the loan is decided.
    clerk.wait_for_selector("#status[data-status=approved], #status[data-status=rejected]",
                            timeout=60_000)
    assert clerk.get_attribute("#consent-state", "data-consent") == "granted"
    assert clerk.get_attribute("#signature", "data-state") == "ok"
    shot(clerk, size, "3-sc-decided")

    # The depositor's data-use log on CQ shows the read.
    depositor.reload()
    row = depositor.locator('#data-log tr.use[data-service="housing_fund.certificate"]')
    assert row.count() == 1 and row.get_attribute("data-outcome") == "ok"
    assert "账户余额" in row.inner_text()
    assert depositor.locator('#my-consents tr[data-status="used"]').count() == 1
    shot(depositor, size, "4-cq-data-log")
