"""UI strings: Chinese first, English on request (cookie `lang=en`)."""

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
    "lang.switch": ("English", "中文"),
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


def lang_of(request: Request) -> str:
    """'en' when the visitor chose English, else 'zh'."""
    return "en" if request.cookies.get("lang") == "en" else "zh"


def translate(key: str, lang: str) -> str:
    """The UI string for `key` in `lang`; the key itself when unknown."""
    pair = STRINGS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]
