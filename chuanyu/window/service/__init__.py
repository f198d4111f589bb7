"""Use cases of the service window. Each takes a keyword-only `session` and only flushes; the
caller (an API route, a page, a CLI command) commits once.

    receive(session, *, node, user, data, uploads) -> Case          窗口收件
    act(session, *, node, user, case_number, action, data, uploads) 受理/补正/办结/送达…
    read_case, list_cases, escalations, track, count_cross_region
    load_catalogue, list_matters, get_matter; load_holidays, list_schedules, due_date,
    calendar_warnings
"""

from __future__ import annotations

from chuanyu.window.service.catalogue import get_matter, list_matters, load_catalogue
from chuanyu.window.service.common import calendar
from chuanyu.window.service.holidays import (
    calendar_warnings,
    due_date,
    list_schedules,
    load_holidays,
)
from chuanyu.window.service.intake import receive
from chuanyu.window.service.queries import (
    count_cross_region,
    escalations,
    list_cases,
    read_case,
    track,
)
from chuanyu.window.service.transitions import act

__all__ = [
    "act",
    "calendar",
    "calendar_warnings",
    "count_cross_region",
    "due_date",
    "escalations",
    "get_matter",
    "list_cases",
    "list_matters",
    "list_schedules",
    "load_catalogue",
    "load_holidays",
    "read_case",
    "receive",
    "track",
]
