"""The menu offers each visitor what they may do: public services to all, staff modules to staff."""

from __future__ import annotations

from chuanyu.core.schemas import UserRead
from chuanyu.web.nav import menu_for

DOMAINS = ("ledger", "window", "housing_fund", "registry", "jobs")
PUBLIC_ENTRIES = {"/window/track", "/registry/verify", "/jobs/", "/housing_fund/schedule"}
STAFF_ONLY = {"/ledger/", "/status", "/window/desk", "/window/officer", "/registry/",
              "/housing_fund/applications"}


def _user(*roles: str) -> UserRead:
    return UserRead(id=1, username="u", display_name="用户", roles=list(roles), member="CQ")


def _hrefs(user: UserRead | None) -> set[str]:
    return {item.href for _, items in menu_for(user, DOMAINS) for item in items}


def test_anonymous_visitors_get_every_public_service_and_no_staff_module() -> None:
    hrefs = _hrefs(None)
    assert hrefs >= PUBLIC_ENTRIES
    assert not hrefs & STAFF_ONLY


def test_citizens_see_no_staff_module() -> None:
    hrefs = _hrefs(_user("citizen"))
    assert hrefs >= PUBLIC_ENTRIES and "/housing_fund/my" in hrefs
    assert not hrefs & STAFF_ONLY


def test_staff_see_only_their_own_modules() -> None:
    clerk = _hrefs(_user("window_clerk"))
    assert {"/window/desk", "/window/officer"} <= clerk
    assert "/ledger/" not in clerk and "/housing_fund/applications" not in clerk
    assert "/ledger/" in _hrefs(_user("joint_office"))


def test_admins_see_every_staff_module() -> None:
    assert _hrefs(_user("admin")) >= STAFF_ONLY


def test_entries_of_modules_not_mounted_are_left_out() -> None:
    hrefs = {i.href for _, items in menu_for(None, ("jobs",)) for i in items}
    assert hrefs == {"/jobs/"}
