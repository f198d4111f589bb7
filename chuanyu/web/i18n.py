"""UI strings of the shell and the modules, by key.

Pages are in Simplified Chinese only: zh-CN is the product language of both regions' services,
and a half-translated English mode (the shell translated, the pages not) misled more than it
helped. The English column is kept as a glossary for developers; pages never show it.
"""

from __future__ import annotations

from fastapi import Request

STRINGS: dict[str, tuple[str, str]] = {
    "app.name": ("川渝通办", "Chuanyu"),
    "app.tagline": ("川渝两地跨区域政务服务协同平台", "Sichuan–Chongqing cross-region services"),
    "nav.home": ("首页", "Home"),
    "nav.status": ("节点状态", "Node status"),
    "nav.ledger": ("合作台账", "Cooperation ledger"),
    "nav.window": ("跨域通办窗口", "Service window"),
    "nav.housing_fund": ("公积金一地办", "Housing fund"),
    "nav.registry": ("营业执照", "Business licences"),
    "nav.jobs": ("招聘求职", "Jobs"),
    "nav.login": ("登录", "Sign in"),
    "nav.logout": ("退出", "Sign out"),
    "login.title": ("登录", "Sign in"),
    "login.username": ("用户名", "Username"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Sign in"),
    "login.failed": ("用户名或密码错误", "Wrong username or password"),
    "status.title": ("节点状态", "Node status"),
    "status.member": ("本节点", "This node"),
    "status.peers": ("对端节点", "Peers"),
    "status.reachable": ("可达", "reachable"),
    "status.unreachable": ("不可达", "unreachable"),
    "status.backlog": ("待发送事件", "Outbox backlog"),
    "status.lag": ("最早未送达 (秒)", "Oldest undelivered (s)"),
    "status.inbound": ("已接收事件流", "Inbound streams"),
    "status.audit": ("审计日志", "Audit log"),
    "status.checkpoint": ("最近签名检查点", "Last signed checkpoint"),
    "status.transport": ("传输", "Transport"),
    "status.none": ("暂无", "none yet"),
    "home.title": ("川渝通办", "Chuanyu"),
    "error.title": ("出错了", "Something went wrong"),
}


def lang_of(request: Request) -> str:  # noqa: ARG001 (one product language)
    """The page language: always 'zh'."""
    return "zh"


def translate(key: str, lang: str = "zh") -> str:  # noqa: ARG001
    """The Chinese UI string for `key`; the key itself when unknown."""
    pair = STRINGS.get(key)
    return key if pair is None else pair[0]
