"""Public addresses of a node's pages, for QR codes and documents that leave the system."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

if TYPE_CHECKING:
    from chuanyu.node import Node


def public_base(node: Node) -> str:
    """The node's public address: `CHUANYU_PUBLIC_URL`, else its base URL in the descriptor."""
    base = node.settings.public_url or node.descriptor.members[node.member].base_url
    return base.rstrip("/")


def public_url(node: Node, path: str, **query: str) -> str:
    """An absolute public URL of a page of this node (query parameters encoded)."""
    url = public_base(node) + "/" + path.lstrip("/")
    return f"{url}?{urlencode(query)}" if query else url
