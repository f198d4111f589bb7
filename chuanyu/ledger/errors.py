"""Errors of the cooperation ledger."""

from __future__ import annotations


class LedgerError(Exception):
    """Base of the ledger's domain errors."""


class UnknownParty(LedgerError, KeyError):
    """A party code that is neither a division nor a known body."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    def __str__(self) -> str:
        return f"未知的参与方代码：{self.code}（应为行政区划代码或已登记机构代码）"
