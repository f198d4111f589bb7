"""Delivery backoff, the e-mail a notice becomes, and adapters named in the settings."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta

import pytest

from chuanyu.core.config import Settings
from chuanyu.notices import channels
from chuanyu.notices.channels import OutboundMessage
from chuanyu.notices.delivery import backoff
from chuanyu.notices.smtp import SmtpChannel


class FakeSms:
    """An adapter as a deployment would plug one in (records instead of sending)."""

    name = "sms"
    contact_field = "phone"

    def __init__(self) -> None:
        self.sent: list[OutboundMessage] = []

    def send(self, message: OutboundMessage) -> None:
        self.sent.append(message)


def make_sms(_settings: Settings) -> FakeSms:
    return FakeSms()


def test_backoff_doubles_from_the_base_up_to_the_cap() -> None:
    settings = Settings(notices_retry_base_s=30, notices_retry_max_s=200)
    waits = [backoff(settings, n) for n in range(1, 6)]
    assert waits == [timedelta(seconds=s) for s in (30, 60, 120, 200, 200)]


def test_a_notice_becomes_a_utf8_plain_text_mail_with_its_link() -> None:
    channel = SmtpChannel(host="smtp.example.cn", port=25, sender="noreply@cq.example.cn")
    mail = channel.compose(OutboundMessage(7, "wang@example.cn", "办件已受理：户籍迁移",
                                           "您的办件已受理。", "https://cq.example.cn/notices/"))
    parsed = email.message_from_bytes(mail.as_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == "办件已受理：户籍迁移" and parsed["To"] == "wang@example.cn"
    assert "notice-7" in parsed["Message-ID"] and parsed["Message-ID"].endswith("cq.example.cn>")
    body = parsed.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert body.startswith("您的办件已受理。") and "https://cq.example.cn/notices/" in body


def test_an_adapter_named_in_the_settings_becomes_a_channel() -> None:
    spec = f"{__name__}:make_sms"
    found = channels.build(Settings(notices_adapters=spec))
    assert list(found) == ["sms"] and isinstance(found["sms"], FakeSms)


def test_a_misnamed_adapter_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="package.module:factory"):
        channels.build(Settings(notices_adapters="no_colon_here"))


def test_an_unknown_smtp_security_mode_is_refused() -> None:
    settings = Settings(notices_smtp_host="smtp.example.cn", notices_smtp_from="a@example.cn",
                        notices_smtp_security="tls")
    with pytest.raises(ValueError, match="starttls"):
        channels.build(settings)
