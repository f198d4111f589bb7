"""Citizen, clerk, registrar and employer journeys in Chromium, on a phone and on a desktop.

On the demo's two nodes: a window case with online 补正 (the citizen uploads, the clerk decides,
the receipt PDF downloads); a Sichuan licence printed at Chongqing whose QR address verifies it;
job search and an employer posting under its bound credit code. Screenshots: var/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from chuanyu.registry.demo import sample_application
from chuanyu.registry.document import qr_data_uri
from chuanyu.window.enums import Action
from chuanyu.window.schemas import TransitionIn
from tests.e2e.browser.conftest import DESKTOP, PHONE, demo_citizen_case, new_page, sign_in
from tests.support.nodes import LiveFederation

pytestmark = pytest.mark.browser

SIZES = {"390": PHONE, "1366": DESKTOP}
PDF = b"%PDF-1.4\n% signed application form\n" + b"0" * 64


def _shot(page: Any, folder: Path, name: str, size: str) -> None:
    page.screenshot(path=str(folder / f"journey-{name}-{size}.png"), full_page=True)


def _fits(page: Any) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways: {widths}"


@pytest.mark.parametrize("size", SIZES)
def test_window_case_with_online_supplement(size: str, browser: Any, tmp_path: Path,
                                            demo_federation: LiveFederation,
                                            screenshots: Path) -> None:  # fmt: skip
    base = demo_federation.cq.url
    number = demo_citizen_case(
        demo_federation, Action.REQUEST_SUPPLEMENT,
        TransitionIn(note="申请表缺少本人签名，请签名后上传", materials=["application_form"],
                     repeat_reason=None))
    citizen = new_page(browser, SIZES[size])
    clerk = new_page(browser, SIZES[size])
    try:
        sign_in(citizen, base, "cq-citizen")
        assert citizen.locator('a[href="/window/my"]').count() >= 1  # in the menu
        citizen.goto(f"{base}/window/my")
        card = citizen.locator(f'[data-reference="{number}"]')
        assert "待补正" in card.inner_text()
        assert card.locator('[aria-current="step"]').inner_text().startswith("补正")
        _fits(citizen)
        _shot(citizen, screenshots, "supplement-1-my", size)
        card.get_by_role("link", name=re.compile("去补正")).click()
        citizen.wait_for_load_state()
        supplement = citizen.locator("#supplement")
        assert "申请表缺少本人签名" in supplement.inner_text()
        assert "社会保障卡补换申请表" in supplement.inner_text()

        wrong = tmp_path / "申请表.txt"
        wrong.write_text("not a scan")
        citizen.set_input_files("#sup-files-application_form", str(wrong))
        with citizen.expect_navigation():
            citizen.get_by_role("button", name="提交补正材料").click()
        assert "文件类型不允许" in citizen.locator("#supplement").inner_text()

        scan = tmp_path / "签名申请表.pdf"
        scan.write_bytes(PDF)
        citizen.set_input_files("#sup-files-application_form", str(scan))
        _shot(citizen, screenshots, "supplement-2-upload", size)
        with citizen.expect_navigation():
            citizen.get_by_role("button", name="提交补正材料").click()
        assert citizen.locator("#supplement").count() == 0
        body = citizen.inner_text("main")
        assert "审查中" in body and "签名申请表.pdf" in body and "补正材料" in body
        _fits(citizen)
        _shot(citizen, screenshots, "supplement-3-submitted", size)

        sign_in(clerk, base, "cq-window_clerk")
        clerk.goto(f"{base}/window/officer")
        assert number in clerk.inner_text("main")
        clerk.goto(f"{base}/window/cases/{number}")
        clerk.on("dialog", lambda dialog: dialog.accept())
        with clerk.expect_navigation():
            clerk.locator('form[data-action="approve"] button[type=submit]').first.click()
        if clerk.locator(".confirm-box button.danger, .confirm-box button.primary").count():
            with clerk.expect_navigation():
                clerk.locator(".confirm-box button").first.click()
        assert "准予办理" in clerk.inner_text("main")
        _shot(clerk, screenshots, "supplement-4-approved", size)

        with clerk.expect_download() as receipt:
            clerk.get_by_role("link", name=re.compile("下载受理回执")).click()
        assert Path(receipt.value.path()).read_bytes().startswith(b"%PDF")
        with clerk.expect_download() as letter:
            clerk.get_by_role("link", name=re.compile("下载办结通知书")).click()
        assert Path(letter.value.path()).read_bytes().startswith(b"%PDF")
    finally:
        citizen.context.close()
        clerk.context.close()


@pytest.mark.parametrize("size", SIZES)
def test_sichuan_licence_printed_in_chongqing_verifies_by_its_qr_address(
        size: str, browser: Any, demo_federation: LiveFederation,
        screenshots: Path) -> None:  # fmt: skip
    sc, cq = demo_federation.sc, demo_federation.cq
    name = f"成都天府扫码{size}科技有限公司"
    application = sample_application("SC", name=name, seed=40 + len(size))
    issued = httpx.post(f"{sc.url}/api/registry/licences", headers=sc.headers("registrar"),
                        json={"application": application.model_dump(mode="json")},
                        timeout=30)  # fmt: skip
    assert issued.status_code == 201, issued.text
    code = issued.json()["uscc"]
    clerk = new_page(browser, SIZES[size])
    visitor = new_page(browser, SIZES[size])
    try:
        sign_in(clerk, cq.url, "cq-window_clerk")
        clerk.goto(f"{cq.url}/registry/licences/{code}")
        assert name in clerk.inner_text("main") and code in clerk.inner_text("main")
        url = clerk.get_attribute("a.verify-url", "href")
        assert url == f"{cq.url}/registry/verify?uscc={code}"
        qr = clerk.get_attribute('img[alt="核验二维码"]', "src")
        assert qr == qr_data_uri(url)  # the printed QR code is that address
        _shot(clerk, screenshots, "licence-1-printed", size)

        visitor.goto(url)  # what scanning the QR code opens, signed out
        result = visitor.locator(".verify-result")
        assert result.get_attribute("data-outcome") == "valid"
        assert name in result.inner_text()
        _fits(visitor)
        _shot(visitor, screenshots, "licence-2-verified", size)
    finally:
        clerk.context.close()
        visitor.context.close()


@pytest.mark.parametrize("size", SIZES)
def test_job_search_and_posting_by_the_demo_employer(size: str, browser: Any,
                                                     demo_federation: LiveFederation,
                                                     screenshots: Path) -> None:  # fmt: skip
    base = demo_federation.cq.url
    title = f"川渝冷链调度员{size}"
    seeker = new_page(browser, SIZES[size])
    employer = new_page(browser, SIZES[size])
    try:
        seeker.goto(f"{base}/jobs/?q=司机")
        assert seeker.locator(".jobs-results > li").count() > 0
        _fits(seeker)
        _shot(seeker, screenshots, "jobs-1-search", size)

        sign_in(employer, base, "cq-employer")
        employer.goto(f"{base}/jobs/manage/new")
        code = employer.input_value("[name=employer_uscc]")
        assert re.fullmatch(r"[0-9A-HJ-NPQRTUWXY]{2}50\d{4}[0-9A-HJ-NPQRTUWXY]{10}", code), code
        assert employer.input_value("[name=employer_name]") == "重庆两江川渝数智科技有限公司"
        employer.fill("[name=title]", title)
        employer.select_option("[name=occupation_code]", index=1)
        employer.select_option("[name=industry_code]", index=1)
        employer.select_option("[name=division_code]", index=1)
        employer.fill("[name=salary_min]", "6000")
        employer.fill("[name=salary_max]", "9000")
        for name in ("education", "experience", "employment_type"):
            employer.select_option(f"[name={name}]", index=1)
        employer.fill("[name=contact_name]", "周先生")
        employer.fill("[name=contact_phone]", "13800000000")
        employer.fill("[name=description]", "负责冷链车辆排班与温控记录")
        _shot(employer, screenshots, "jobs-2-form", size)
        with employer.expect_navigation():
            employer.locator("main form button[type=submit]").last.click()
        assert "/jobs/postings/" in employer.url, employer.inner_text("main")[:500]
        assert title in employer.inner_text("main")
        assert "重庆两江川渝数智科技有限公司" in employer.inner_text("main")
        _shot(employer, screenshots, "jobs-3-posted", size)

        def found() -> bool:
            seeker.goto(f"{base}/jobs/?q={title}")
            return title in seeker.inner_text("main")

        demo_federation.wait_until(found, timeout=30, message="the new posting is searchable")
        _fits(seeker)
        _shot(seeker, screenshots, "jobs-4-found", size)
    finally:
        seeker.context.close()
        employer.context.close()
