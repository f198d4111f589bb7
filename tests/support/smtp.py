"""A real SMTP server for tests (aiosmtpd on a loopback port) that keeps what it accepts and can
refuse on request."""

from __future__ import annotations

from typing import Any

from aiosmtpd.controller import Controller

from tests.support.nodes import free_port


class MailInbox:
    """An aiosmtpd handler that keeps every accepted message and can refuse on request."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.refuse_data = 0  # answer the next N messages 451 (try again later)
        self.refuse_rcpt = ""  # answer RCPT TO for this address 550 (no such user)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,  # noqa: N802
                          options: list[str]) -> str:
        if address == self.refuse_rcpt:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.refuse_data > 0:
            self.refuse_data -= 1
            return "451 4.3.0 try again later"
        self.messages.append(envelope)
        return "250 Message accepted"


class SmtpServer:
    """A real SMTP server on a loopback port that can be stopped and started again."""

    def __init__(self) -> None:
        self.inbox = MailInbox()
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
