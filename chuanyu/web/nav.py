"""The site menu: what each visitor may do, grouped, and shown only to those who may do it.

A domain adds its own entries with `register(NavItem(...))` at import time of its page module
(`chuanyu/web/routes/<domain>.py`); the shell shows an entry only when the visitor's roles pass
and the entry's module is mounted on this node.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from chuanyu.core.schemas import UserRead

PUBLIC, MINE, STAFF = "public", "mine", "staff"
GROUP_LABELS = {PUBLIC: "办事服务", MINE: "我的", STAFF: "工作台"}
ANYONE_SIGNED_IN: tuple[str, ...] = ()


@dataclass(frozen=True)
class NavItem:
    """One menu entry.

    `roles`: None shows it to everyone (signed in or not); an empty tuple to any signed-in
    account; otherwise to accounts holding one of the roles (admins see every staff entry).
    `domain`: the page module it belongs to (hidden when that module is not mounted).
    """

    label: str
    href: str
    group: str = PUBLIC
    roles: tuple[str, ...] | None = None
    domain: str | None = None
    order: int = 100
    hint: str = ""


ITEMS: list[NavItem] = [
    NavItem("办件查询", "/window/track", PUBLIC, None, "window", 10,
            "用办件编号和证件号码查看办理进度"),
    NavItem("营业执照核验", "/registry/verify", PUBLIC, None, "registry", 20,
            "核验川渝两地签发的电子营业执照"),
    NavItem("招聘岗位", "/jobs/", PUBLIC, None, "jobs", 30, "搜索两地在招岗位"),
    NavItem("贷款计算器", "/housing_fund/schedule", PUBLIC, None, "housing_fund", 40,
            "估算公积金贷款月供"),
    NavItem("公积金异地贷款", "/housing_fund/", PUBLIC, None, "housing_fund", 50,
            "在一地申请对方地区的公积金贷款"),
    NavItem("跨域通办事项", "/window/catalogue", PUBLIC, None, "window", 60,
            "可在本地窗口办理的对方地区事项"),
    NavItem("我的贷款申请", "/housing_fund/my", MINE, ("citizen",), "housing_fund", 20),
    NavItem("岗位发布与管理", "/jobs/manage", STAFF, ("employer", "hr_officer"), "jobs", 60),
    NavItem("窗口工作台", "/window/desk", STAFF, ("window_clerk",), "window", 10),
    NavItem("收件登记", "/window/new", STAFF, ("window_clerk",), "window", 11),
    NavItem("本地区办理队列", "/window/officer", STAFF, ("registrar", "window_clerk"),
            "window", 12),
    NavItem("临期/超期督办", "/window/escalations", STAFF,
            ("window_clerk", "registrar", "joint_office"), "window", 13),
    NavItem("贷款申请审批", "/housing_fund/applications", STAFF, ("fund_officer",),
            "housing_fund", 20),
    NavItem("缴存使用证明", "/housing_fund/issued", STAFF, ("fund_officer",),
            "housing_fund", 21),
    NavItem("营业执照管理", "/registry/", STAFF, ("registrar", "window_clerk", "joint_office"),
            "registry", 30),
    NavItem("合作台账", "/ledger/", STAFF, ("joint_office",), "ledger", 40),
    NavItem("节点状态", "/status", STAFF, ("joint_office",), None, 90),
]


def register(item: NavItem) -> None:
    """Add a menu entry (once; the same href in the same group is not added twice)."""
    if not any(i.href == item.href and i.group == item.group for i in ITEMS):
        ITEMS.append(item)


def _visible(item: NavItem, user: UserRead | None, domains: Iterable[str]) -> bool:
    if item.domain is not None and item.domain not in domains:
        return False
    if item.roles is None:
        return True
    if user is None:
        return False
    return not item.roles or user.has(*item.roles)


def menu_for(user: UserRead | None, domains: Iterable[str]) -> list[tuple[str, list[NavItem]]]:
    """The visitor's menu: (group label, entries) in display order, empty groups left out."""
    mounted = set(domains)
    groups: list[tuple[str, list[NavItem]]] = []
    for group in (PUBLIC, MINE, STAFF):
        items = sorted((i for i in ITEMS if i.group == group and _visible(i, user, mounted)),
                       key=lambda i: (i.order, i.href))
        if items:
            groups.append((GROUP_LABELS[group], items))
    return groups


def is_staff(user: UserRead | None) -> bool:
    """True for accounts that work for a region (they may see technical details)."""
    return user is not None and user.has("joint_office", "window_clerk", "fund_officer",
                                         "registrar", "hr_officer")
