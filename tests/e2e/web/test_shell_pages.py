"""What every visitor meets in the shell: Chinese errors and messages, the menu per role."""

from __future__ import annotations

import re

from tests.conftest import AppClient

ROLE_IDS = re.compile(r"\b(admin|joint_office|window_clerk|fund_officer|registrar|hr_officer|"
                      r"employer|citizen)\b")


def _main(html: str) -> str:
    return html.split('<main', 1)[1].split('</main>', 1)[0]


def test_unknown_page_is_a_chinese_404(client: AppClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    main = _main(response.text)
    assert "找不到您要的页面" in main and "Not Found" not in response.text
    assert 'href="/"' in main


def test_unknown_api_address_answers_in_chinese(client: AppClient) -> None:
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json()["title"] == "未找到" and "Not Found" not in response.text


def test_forbidden_page_explains_in_chinese_without_role_ids(client: AppClient) -> None:
    client.page_login("citizen")
    response = client.get("/window/desk")
    assert response.status_code == 403
    main = _main(response.text)
    assert "无权" in main and "窗口工作人员" in main
    assert not ROLE_IDS.search(main), main


def test_forbidden_api_call_names_roles_in_chinese(client: AppClient) -> None:
    response = client.get("/api/housing_fund/accounts", headers=client.login_as("citizen"))
    assert response.status_code == 403
    assert not ROLE_IDS.search(response.json()["detail"])


def test_public_tracking_refuses_empty_input_in_chinese(client: AppClient) -> None:
    page = client.post("/window/track", data={"case_number": "", "id_number": ""})
    assert page.status_code == 422
    assert "必填" in page.text and "should" not in page.text and "Value" not in page.text
    api = client.post("/api/window/track", json={"case_number": "CQ", "id_number": ""})
    assert api.status_code == 422
    messages = {e["field"]: e["message"] for e in api.json()["errors"]}
    assert messages == {"case_number": "至少 8 个字", "id_number": "必填"}
    assert api.json()["detail"] == "输入有误：办件编号：至少 8 个字；证件号码：必填"


def test_menu_offers_the_public_services_and_hides_staff_modules(client: AppClient) -> None:
    anonymous = client.get("/").text
    for href in ("/window/track", "/registry/verify", "/jobs/", "/housing_fund/schedule"):
        assert f'href="{href}"' in anonymous
    for href in ("/ledger/", "/status", "/window/desk"):
        assert f'href="{href}"' not in anonymous
    client.page_login("citizen")
    citizen = client.get("/").text
    assert 'href="/ledger/"' not in citizen and 'href="/status"' not in citizen
    client.page_login("joint_office")
    assert 'href="/ledger/"' in client.get("/").text


def test_no_language_toggle_is_offered(client: AppClient) -> None:
    assert "English" not in client.get("/").text
    assert client.get("/lang?to=en", follow_redirects=False).status_code == 404


def test_sign_in_link_keeps_the_query_of_the_page(client: AppClient) -> None:
    page = client.get("/jobs/?q=%E7%84%8A%E5%B7%A5").text
    assert "/login?next=/jobs/%3Fq%3D" in page
