"""The message centre through the app: header count, list, marking read, contact settings,
and the API."""

from __future__ import annotations

import re

from chuanyu.core.db import write_scope
from chuanyu.notices import service as notices_service
from tests.conftest import AppClient

SUBJECT = "500106199803071234"


def send(client: AppClient, subject: str, link: str | None = "/window/track") -> int:
    with write_scope(client.node) as session:
        notice, = notices_service.notify(
            session=session, recipient=notices_service.subject_address(SUBJECT),
            kind="accepted", subject=subject, body=f"{subject}的正文", link=link)
        return notice.id


def unread_in_header(html: str) -> int:
    match = re.search(r'class="notices-link" href="/notices/" data-unread="(\d+)"', html)
    assert match, "the header shows no link to the message centre"
    return int(match.group(1))


def test_the_header_counts_unread_notices_and_the_list_marks_them_read(
        client: AppClient) -> None:
    client.page_login("citizen", subject_id=SUBJECT)
    assert unread_in_header(client.get("/").text) == 0
    first = send(client, "办件已受理")
    send(client, "请补正材料")
    assert unread_in_header(client.get("/").text) == 2
    page = client.get("/notices/")
    assert page.status_code == 200
    assert page.text.index("请补正材料") < page.text.index("办件已受理")  # newest first
    opened = client.post(f"/notices/{first}/read", data={"open": "1"}, follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == "/window/track"
    assert unread_in_header(client.get("/notices/").text) == 1
    done = client.post("/notices/read-all", follow_redirects=False)
    assert done.status_code == 303
    assert unread_in_header(client.get("/notices/").text) == 0


def test_a_notice_link_never_leaves_the_site(client: AppClient) -> None:
    client.page_login("citizen", subject_id=SUBJECT)
    notice = send(client, "外部链接", link="//evil.example/phish")
    opened = client.post(f"/notices/{notice}/read", data={"open": "1"}, follow_redirects=False)
    assert opened.headers["location"] == "/notices/"


def test_signed_out_visitors_see_no_message_link_and_are_sent_to_login(
        client: AppClient) -> None:
    assert 'class="notices-link"' not in client.get("/").text
    response = client.get("/notices/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_contact_settings_refuse_a_bad_address_in_chinese_beside_the_field(
        client: AppClient) -> None:
    client.page_login("citizen", subject_id=SUBJECT)
    bad = client.post("/notices/settings", data={"email": "not-an-address", "phone": "123"})
    assert bad.status_code == 422
    assert 'id="email-error"' in bad.text and "请填写有效的电子邮箱地址" in bad.text
    assert 'id="phone-error"' in bad.text and "请填写 11 位手机号码" in bad.text
    assert 'aria-describedby="email-hint email-error"' in bad.text
    assert 'value="not-an-address"' in bad.text  # what was typed stays
    good = client.post("/notices/settings", data={"email": "wang@example.cn", "phone": ""})
    assert good.status_code == 200 and "已保存" in good.text
    assert 'value="wang@example.cn"' in client.get("/notices/settings").text


def test_the_api_lists_counts_and_marks_the_callers_notices(client: AppClient) -> None:
    headers = client.login_as("citizen", subject_id=SUBJECT)
    stranger = client.login_as("citizen", subject_id="510104199001011234")
    notice = send(client, "办件已办结", link=None)
    assert client.get("/api/notices/unread", headers=headers).json() == {"unread": 1}
    body = client.get("/api/notices", headers=headers).json()
    assert body["total"] == 1 and body["items"][0]["subject"] == "办件已办结"
    assert client.get("/api/notices", headers=stranger).json()["total"] == 0
    refused = client.post(f"/api/notices/{notice}/read", headers=stranger)
    assert refused.status_code == 404 and refused.json()["code"] == "notice_not_found"
    read = client.post(f"/api/notices/{notice}/read", headers=headers)
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert client.get("/api/notices/unread", headers=headers).json() == {"unread": 0}
    bad = client.put("/api/notices/contact", headers=headers, json={"email": "x@"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "email"
    assert "电子邮箱" in bad.json()["errors"][0]["message"]


def test_only_administrators_read_the_delivery_outbox(client: AppClient) -> None:
    citizen = client.login_as("citizen")
    admin = client.login_as("admin")
    assert client.get("/api/notices/deliveries", headers=citizen).status_code == 403
    assert client.get("/api/notices/deliveries", headers=admin).json() == []
    assert client.post("/api/notices/deliveries/retry", headers=admin).json() == {"queued": 0}


def test_the_status_page_shows_the_notice_outbox(client: AppClient) -> None:
    client.page_login("admin")
    page = client.get("/status")
    assert page.status_code == 200
    assert 'id="notice-outbox" data-failed="0"' in page.text
    assert "未配置（仅站内消息）" in page.text
