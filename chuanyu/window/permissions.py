"""Who may see a case, who sees the applicant's full ID number, and who may act on it."""

from __future__ import annotations

from chuanyu.core.schemas import UserRead
from chuanyu.window import rules
from chuanyu.window.enums import Action, CaseStatus
from chuanyu.window.models import Case

# Roles that supervise or handle cases and so see every case their node holds.
STAFF_ROLES = ("window_clerk", "joint_office", "registrar")


def is_applicant(user: UserRead, case: Case) -> bool:
    """True when the account acts for the applicant of the case."""
    return (
        user.has("citizen")
        and bool(user.subject_id)
        and (user.subject_id == case.applicant_id_number)
    )


def can_see(user: UserRead, case: Case) -> bool:
    """Staff of either region see the cases their node holds; an applicant sees their own."""
    if user.has(*STAFF_ROLES):
        return True
    return is_applicant(user, case)


def sees_full_id(user: UserRead, case: Case) -> bool:
    """The clerks, the deciding officer and the applicant need the ID number; others see a mask."""
    if "admin" in user.roles:
        return True
    if user.has("window_clerk") and user.member in (case.intake_member, case.authority_member):
        return True
    if case.officer_role in user.roles and user.member == case.authority_member:
        return True
    return is_applicant(user, case)


def may_act(user: UserRead, case: Case, action: Action) -> bool:
    """True when `user` may take `action` on `case` in its current state."""
    if rules.next_status(CaseStatus(case.status), action) is None:
        return False
    if "citizen" in user.roles and not user.has("window_clerk") and not is_applicant(user, case):
        return False
    return rules.may_act(
        action,
        roles=user.roles,
        user_member=user.member,
        intake_member=case.intake_member,
        authority_member=case.authority_member,
        officer_role=case.officer_role,
    )


def acting_role(user: UserRead, case: Case, action: Action) -> str:
    """The role under which `user` takes `action` (for the audit trail)."""
    allowed = rules.allowed_roles(action, case.officer_role)
    for role in user.roles:
        if role in allowed:
            return role
    return "admin"


def allowed_actions(user: UserRead, case: Case) -> list[Action]:
    """What `user` can do to `case` now (drives the buttons on the case page)."""
    return [a for a in rules.actions_from(CaseStatus(case.status)) if may_act(user, case, a)]
