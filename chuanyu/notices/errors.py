"""Errors of the notices domain."""

from __future__ import annotations

from dataclasses import dataclass

from chuanyu.core.errors import NotFound


@dataclass
class NoticeNotFound(NotFound):
    """No such notice in the caller's message centre."""

    detail: str = "未找到该消息"
    code: str = "notice_not_found"
