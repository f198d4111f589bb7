"""Public addresses of a node's pages, for QR codes and documents that leave the system."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol
from urllib.parse import urlencode

from chuanyu.core.config import Settings


class _Member(Protocol):
    @property
    def base_url(self) -> str: ...


class _Descriptor(Protocol):
    @property
    def members(self) -> Mapping[str, _Member]: ...


class Node(Protocol):
    """What a link needs of a node (`chuanyu.node.Node` has it): its id, settings, descriptor."""

    @property
    def member(self) -> str: ...

    @property
    def settings(self) -> Settings: ...

    @property
    def descriptor(self) -> _Descriptor: ...


def public_base(node: Node) -> str:
    """The node's public address: `CHUANYU_PUBLIC_URL`, else its base URL in the descriptor."""
    base = node.settings.public_url or node.descriptor.members[node.member].base_url
    return base.rstrip("/")


def public_url(node: Node, path: str, **query: str) -> str:
    """An absolute public URL of a page of this node (query parameters encoded)."""
    url = public_base(node) + "/" + path.lstrip("/")
    return f"{url}?{urlencode(query)}" if query else url
