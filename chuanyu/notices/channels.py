"""Outbound channels: where notices go besides the message centre.

A channel turns one `OutboundMessage` into a message on the wire (an e-mail, a text message)
and raises `DeliveryError` when it could not; the delivery outbox (`delivery.py`) retries with
backoff. Channels are configured per node from its settings: the SMTP channel when
`CHUANYU_NOTICES_SMTP_HOST` is set, plus any adapters named in `CHUANYU_NOTICES_ADAPTERS`
(`package.module:factory`, a callable taking the node's `Settings` and returning a `Channel`),
which is how a deployment plugs in an SMS gateway (see docs/notices.md).
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from chuanyu.core.config import Settings
    from chuanyu.node import Node


@dataclass(frozen=True)
class OutboundMessage:
    """What a channel sends: to one address, a subject line, a plain-text body."""

    delivery_id: int
    address: str
    subject: str
    body: str
    link: str | None = None


class DeliveryError(Exception):
    """The channel did not take the message. `permanent`: retrying cannot help (a refused
    address); otherwise the outbox tries again later."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@runtime_checkable
class Channel(Protocol):
    """An outbound channel. `contact_field` names the `notices_contact` column holding the
    address it sends to (`email` or `phone`)."""

    name: str
    contact_field: str

    def send(self, message: OutboundMessage) -> None:
        """Hand the message over; raise DeliveryError when it was not taken."""


def _load_adapter(spec: str, settings: Settings) -> Channel:
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise ValueError(f"notice adapter {spec!r} must be written as package.module:factory")
    factory = getattr(importlib.import_module(module_name), attr)
    channel = factory(settings)
    if not isinstance(channel, Channel):
        raise TypeError(f"notice adapter {spec!r} did not return a Channel")
    return channel


def build(settings: Settings) -> dict[str, Channel]:
    """The channels these settings enable, by name (none by default)."""
    from chuanyu.notices.smtp import SmtpChannel

    found: dict[str, Channel] = {}
    if settings.notices_smtp_host:
        found["email"] = SmtpChannel.from_settings(settings)
    for spec in filter(None, (s.strip() for s in settings.notices_adapters.split(","))):
        channel = _load_adapter(spec, settings)
        found[channel.name] = channel
    return found


_lock = threading.Lock()


def for_node(node: Node) -> dict[str, Channel]:
    """The node's channels, built once from its settings."""
    with _lock:
        channels = node.extras.get("notices.channels")
        if channels is None:
            channels = node.extras["notices.channels"] = build(node.settings)
    return channels  # type: ignore[no-any-return]
