"""Who may see and act on what in the housing-fund domain."""

from __future__ import annotations

from chuanyu.core.schemas import UserRead
from chuanyu.core.security import Role
from chuanyu.housing_fund.models import Application


def is_officer(user: UserRead) -> bool:
    """Fund officers (and admins) handle every case at their centre."""
    return user.has(Role.fund_officer)


def acts_for(user: UserRead, resident_id: str) -> bool:
    """True when the account acts for this depositor (its subject is the resident ID)."""
    return bool(user.subject_id) and (user.subject_id or "").upper() == resident_id.upper()


def can_view_application(user: UserRead, app: Application) -> bool:
    """Officers see every application; a depositor sees their own."""
    return is_officer(user) or acts_for(user, app.resident_id)


def can_apply_for(user: UserRead, resident_id: str) -> bool:
    """Officers file on a depositor's behalf at the counter; a citizen only for themself."""
    return is_officer(user) or acts_for(user, resident_id)
