"""Errors of the cooperation ledger."""

from __future__ import annotations

from dataclasses import dataclass

from chuanyu.core.errors import Conflict, NotFound, PermissionDenied


class UnknownParty(KeyError):
    """A party code that is neither a division nor a known body (raised by pure lookups)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    def __str__(self) -> str:
        return f"未知的参与方代码：{self.code}（应为行政区划代码或已登记机构代码）"


@dataclass
class EntryNotFound(NotFound):
    """No entry with that id on this node."""

    code: str = "ledger_entry_not_found"


@dataclass
class EntryExists(Conflict):
    """An entry with that id already exists."""

    code: str = "ledger_entry_exists"


@dataclass
class NotOwner(PermissionDenied):
    """The entry is owned by the other region's node; only it may change the entry."""

    code: str = "ledger_not_owner"
