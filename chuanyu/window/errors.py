"""Errors of the service window, each on a core base so the web layer maps it to a status."""

from __future__ import annotations

from dataclasses import dataclass

from chuanyu.core.errors import PermissionDenied, RuleViolation


@dataclass
class CalendarNotCovered(RuleViolation):
    """No holiday schedule covers a year the clock must count through."""

    code: str = "calendar_not_covered"
    year: int = 0

    @classmethod
    def for_year(cls, year: int) -> CalendarNotCovered:
        """The error for `year`, telling the administrator what to load."""
        return cls(
            detail=(
                f"{year} 年的节假日安排尚未载入，无法计算工作日。"
                f"请管理员载入国务院办公厅公布的 {year} 年节假日安排"
                f"（chuanyu window load-holidays FILE）。"
            ),
            year=year,
        )


@dataclass
class TransitionNotAllowed(RuleViolation):
    """The action is not allowed from the case's current state."""

    code: str = "transition_not_allowed"


@dataclass
class ActionForbidden(PermissionDenied):
    """The caller's role or region may not take this action on this case."""

    code: str = "action_forbidden"
