"""Who may write postings: the region's HR officers, and employers for their own postings."""

from __future__ import annotations

from chuanyu.core.schemas import UserRead
from chuanyu.jobs.errors import NotOwner


def can_post(user: UserRead, member: str, employer_uscc: str) -> bool:
    """True when `user` may write a posting of `employer_uscc` on `member`'s board."""
    if user.member != member:
        return False
    if user.has("hr_officer"):
        return True
    return user.has("employer") and bool(user.subject_id) and user.subject_id == employer_uscc


def require_can_post(user: UserRead, member: str, employer_uscc: str) -> None:
    """Raise `NotOwner` unless `can_post`."""
    if not can_post(user, member, employer_uscc):
        raise NotOwner(detail="只有本地区人社经办人员或该用人单位本身可以发布和管理此岗位")
