"""Honest waits on two live nodes, with CQ's traffic to SC through a proxy the tests cut or slow:
public licence verification never holds the page for long and says what is happening, and the
window receipt says a case is queued until SC has acknowledged it."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from chuanyu.core.security import create_user
from chuanyu.exchange import federation
from chuanyu.exchange.registry import SERVICES, STREAMS
from chuanyu.registry.demo import sample_application
from tests.e2e.browser.conftest import SCREENSHOTS
from tests.integration.window.window_helpers import APPLICANT_ID, PDF
from tests.support.nodes import PASSWORD, LiveFederation, LiveNode
from tests.support.partition import Partition

WAITING = "已向对方地区请求，正在等待"
UNAVAILABLE = "对方地区系统暂时无法访问，请稍后再试"
# The page's budget is 2 s; the bound leaves room for a loaded machine, not for a 10 s wait.
PAGE_BOUND_S = 6.0


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveFederation,
                                                                        Partition]]:
    root: Path = tmp_path_factory.mktemp("waits")
    fed = LiveFederation(root, extra_env={"CHUANYU_RELAY_MAX_BACKOFF_S": "0.5"})
    proxy = Partition(fed.sc.port)
    # Everything CQ sends to SC (calls and stream deliveries) crosses the proxy.
    federation.init(root / "federation", urls={"CQ": fed.cq.url, "SC": proxy.url},
                    services={m: sorted(SERVICES) for m in ("CQ", "SC")},
                    streams={m: sorted(STREAMS) for m in ("CQ", "SC")})
    try:
        fed.start()
        for node in (fed.cq, fed.sc):
            loaded = httpx.post(f"{node.url}/api/window/catalogue", headers=node.headers("admin"),
                                timeout=60)
            assert loaded.status_code == 200, loaded.text
        fed.wait_until(lambda: httpx.get(f"{fed.cq.url}/api/window/matters",
                                         params={"member": "SC"}).json(),
                       timeout=60, message="SC's catalogue at CQ")
        yield fed, proxy
    finally:
        proxy.close()
        fed.stop()


def sc_licence(fed: LiveFederation, name: str, seed: int) -> str:
    body = {"application": sample_application("SC", name=name, seed=seed).model_dump(mode="json"),
            "case_number": None}
    issued = httpx.post(f"{fed.sc.url}/api/registry/licences", json=body,
                        headers=fed.sc.headers("registrar"), timeout=30)
    assert issued.status_code == 201, issued.text
    return str(issued.json()["uscc"])


def verify_page(fed: LiveFederation, code: str) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = httpx.get(f"{fed.cq.url}/registry/verify", params={"uscc": code}, timeout=30)
    return response, time.monotonic() - started


def test_a_slow_region_gets_a_waiting_page_that_updates_itself(linked) -> None:  # type: ignore[no-untyped-def]
    fed, proxy = linked
    code = sc_licence(fed, "成都慢速应答测试科技有限公司", 31)
    proxy.hold()
    try:
        waiting, took = verify_page(fed, code)
        assert took < PAGE_BOUND_S
        assert waiting.status_code == 200 and WAITING in waiting.text
        assert "data-wait-reload" in waiting.text and "/static/waiting.js" in waiting.text
        assert f'href="/registry/verify?uscc={code}"' in waiting.text  # works without script
        again, took = verify_page(fed, code)  # a reload joins the same call
        assert took < PAGE_BOUND_S and WAITING in again.text
    finally:
        proxy.release()
    answered = fed.wait_until(
        lambda: (r := verify_page(fed, code)[0]).status_code == 200
        and 'data-outcome="valid"' in r.text and r, timeout=30, message="the verified answer")
    assert "成都慢速应答测试科技有限公司" in answered.text and WAITING not in answered.text


def test_a_region_cut_off_is_named_and_the_next_try_works(linked) -> None:  # type: ignore[no-untyped-def]
    fed, proxy = linked
    code = sc_licence(fed, "成都断网核验测试科技有限公司", 32)
    proxy.cut()
    try:
        refused, took = verify_page(fed, code)
    finally:
        proxy.open()
    assert took < PAGE_BOUND_S
    assert refused.status_code == 503 and UNAVAILABLE in refused.text
    assert refused.headers["retry-after"] == "30" and "data-wait-reload" not in refused.text
    assert "重新核验" in refused.text
    healed, _ = verify_page(fed, code)
    assert healed.status_code == 200 and 'data-outcome="valid"' in healed.text


def test_a_stopped_region_is_named_and_verification_resumes_when_it_is_back(linked) -> None:  # type: ignore[no-untyped-def]
    fed, _ = linked
    code = sc_licence(fed, "成都停机核验测试科技有限公司", 33)
    fed.sc.stop()
    try:
        refused, took = verify_page(fed, code)
    finally:
        fed.sc.start()
    assert took < PAGE_BOUND_S
    assert refused.status_code == 503 and UNAVAILABLE in refused.text
    healed, _ = verify_page(fed, code)
    assert healed.status_code == 200 and 'data-outcome="valid"' in healed.text


def signed_in(node: LiveNode, role: str) -> httpx.Client:
    name = f"page-{role}-{int(time.monotonic() * 1000)}"
    with node.session() as session:
        create_user(session=session, username=name, password=PASSWORD, roles=[role])
    client = httpx.Client(base_url=node.url, timeout=30)
    login = client.post("/login", data={"username": name, "password": PASSWORD})
    assert login.status_code == 303, login.text
    return client


def test_the_receipt_says_queued_until_the_other_region_has_the_case(linked) -> None:  # type: ignore[no-untyped-def]
    fed, proxy = linked
    case = {"matter_code": "SC-RS-001", "authority_member": "SC",
            "applicant": {"name": "王小川", "id_number": APPLICANT_ID},
            "materials": [{"code": c, "original_sighted": True}
                          for c in ("id_card", "application_form")]}
    files = {f"file.{c}": (f"{c}.pdf", PDF + c.encode(), "application/pdf")
             for c in ("id_card", "application_form")}
    browser = signed_in(fed.cq, "window_clerk")
    proxy.cut()
    try:
        received = httpx.post(f"{fed.cq.url}/api/window/cases", headers=fed.cq.headers(
            "window_clerk"), files=files, data={"case": json.dumps(case, ensure_ascii=False)},
            timeout=30)
        assert received.status_code == 201, received.text
        number = received.json()["case_number"]
        receipt = browser.get(f"/window/cases/{number}/receipt")
        assert receipt.status_code == 200
        assert 'data-forwarding="queued"' in receipt.text
        assert "已受理，将在对方系统恢复后自动转送" in receipt.text
        assert "材料已转送办理地" not in receipt.text
    finally:
        proxy.open()
    forwarded = fed.wait_until(
        lambda: 'data-forwarding="forwarded"' in (r := browser.get(
            f"/window/cases/{number}/receipt")).text and r,
        timeout=30, message="SC to acknowledge the case")
    assert "材料已转送办理地" in forwarded.text and "自动转送" not in forwarded.text
    browser.close()


def test_a_slow_region_does_not_hold_up_the_window_intake(linked) -> None:  # type: ignore[no-untyped-def]
    fed, proxy = linked
    materials = ("application_form", "articles", "investor_id", "officer_appointment",
                 "domicile_proof")
    application = sample_application("SC", name="成都慢速名称核查测试科技有限公司", seed=34)
    case = {"matter_code": "SC-SCJG-001", "authority_member": "SC",
            "applicant": {"name": "王小川", "id_number": APPLICANT_ID},
            "materials": [{"code": c, "original_sighted": True} for c in materials],
            "application": application.model_dump(mode="json")}
    files = {f"file.{c}": (f"{c}.pdf", PDF + c.encode(), "application/pdf") for c in materials}
    proxy.hold()
    try:
        started = time.monotonic()
        received = httpx.post(f"{fed.cq.url}/api/window/cases", headers=fed.cq.headers(
            "window_clerk"), files=files, data={"case": json.dumps(case, ensure_ascii=False)},
            timeout=30)
        took = time.monotonic() - started
    finally:
        proxy.release()
    assert received.status_code == 201, received.text
    assert took < PAGE_BOUND_S
    # The name is checked again by SC when it accepts the case.
    assert received.json()["events"][0]["data"] == {"name_check": "deferred"}


@pytest.mark.browser
@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
def test_the_waiting_page_updates_itself_in_a_browser_or_by_its_link(
        linked, browser: Any, script: bool) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    fed, proxy = linked
    code = sc_licence(fed, f"成都浏览器等待{'甲' if script else '乙'}测试科技有限公司",
                      35 if script else 36)
    context = browser.new_context(locale="zh-CN", java_script_enabled=script,
                                  viewport={"width": 390, "height": 844})
    page = context.new_page()
    proxy.hold()
    try:
        page.goto(f"{fed.cq.url}/registry/verify?uscc={code}")
        status = page.locator('[data-wait="pending"]')
        assert WAITING in status.inner_text() and status.get_attribute("role") == "status"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"wait-verify-pending-{'js' if script else 'nojs'}"
                                 "-390.png"), full_page=True)
        proxy.release()
        if script:  # nobody touches the page: it reloads itself until the answer is in
            page.wait_for_selector('[data-outcome="valid"]', timeout=30_000)
        else:
            def answered() -> bool:
                page.get_by_role("link", name="点此刷新").click()
                page.wait_for_load_state()
                return page.locator('[data-outcome="valid"]').count() == 1

            fed.wait_until(answered, timeout=30, message="the answer after a refresh")
        assert WAITING not in page.inner_text("main")
    finally:
        proxy.release()
        context.close()
