"""Errors of the jobs domain."""

from __future__ import annotations

from dataclasses import dataclass

from chuanyu.core.errors import Conflict, NotFound, PermissionDenied


@dataclass
class PostingNotFound(NotFound):
    """No posting with that id on this node."""

    code: str = "posting_not_found"


@dataclass
class NotOwner(PermissionDenied):
    """The posting belongs to the other region's board, or to another employer."""

    code: str = "posting_not_owned"


@dataclass
class PostingNotOpen(Conflict):
    """Only an open posting can be changed or closed."""

    code: str = "posting_not_open"
