"""The e-mail channel: notices as plain-text mail through an SMTP server (stdlib only)."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import TYPE_CHECKING

from chuanyu.notices.channels import DeliveryError, OutboundMessage

if TYPE_CHECKING:
    from chuanyu.core.config import Settings

SECURITY_MODES = ("none", "starttls", "ssl")


@dataclass
class SmtpChannel:
    """Sends each notice as one message; a 4xx answer or a lost connection is retried, a 5xx
    refusal of the recipient is permanent."""

    host: str
    port: int
    sender: str
    security: str = "starttls"
    username: str | None = None
    password: str | None = None
    timeout_s: float = 10.0
    name: str = "email"
    contact_field: str = "email"

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpChannel:
        """The channel as CHUANYU_NOTICES_SMTP_* configure it."""
        if settings.notices_smtp_security not in SECURITY_MODES:
            raise ValueError(f"CHUANYU_NOTICES_SMTP_SECURITY must be one of {SECURITY_MODES}")
        if not settings.notices_smtp_from:
            raise ValueError("CHUANYU_NOTICES_SMTP_FROM is required when SMTP is configured")
        return cls(
            host=settings.notices_smtp_host or "",
            port=settings.notices_smtp_port,
            sender=settings.notices_smtp_from,
            security=settings.notices_smtp_security,
            username=settings.notices_smtp_username,
            password=settings.notices_smtp_password,
            timeout_s=settings.notices_smtp_timeout_s,
        )

    def compose(self, message: OutboundMessage) -> EmailMessage:
        """The e-mail for one notice (UTF-8, plain text, the link on its own line)."""
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.address
        mail["Subject"] = message.subject
        mail["Date"] = formatdate(localtime=False)
        domain = self.sender.rpartition("@")[2] or None
        mail["Message-ID"] = make_msgid(idstring=f"notice-{message.delivery_id}", domain=domain)
        text = message.body if not message.link else f"{message.body}\n\n{message.link}\n"
        mail.set_content(text, charset="utf-8")
        return mail

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            context = ssl.create_default_context()
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout_s,
                                    context=context)
        server = smtplib.SMTP(self.host, self.port, timeout=self.timeout_s)
        if self.security == "starttls":
            server.starttls(context=ssl.create_default_context())
        return server

    def send(self, message: OutboundMessage) -> None:
        """Deliver one notice to the SMTP server."""
        try:
            Address(addr_spec=message.address)
        except (ValueError, IndexError) as exc:
            raise DeliveryError(f"邮箱地址无效：{message.address}", permanent=True) from exc
        try:
            with self._connect() as server:
                if self.username:
                    server.login(self.username, self.password or "")
                server.send_message(self.compose(message))
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            permanent = all(code >= 500 for code in codes)
            raise DeliveryError(f"收件地址被拒绝：{codes}", permanent=permanent) from exc
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
            # The server refused this message for good (5xx) or for now (4xx).
            raise DeliveryError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}",
                                permanent=exc.smtp_code >= 500) from exc
        except smtplib.SMTPResponseException as exc:
            # Anything else (authentication, a closing server) is a setup or transient problem:
            # keep the notice and try again once it is fixed.
            permanent = False
            raise DeliveryError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}",
                                permanent=permanent) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP 服务器不可达：{exc}") from exc
