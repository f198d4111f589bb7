"""Server-rendered pages (Jinja, zh-CN first) shared by every domain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from chuanyu.core import csrf
from chuanyu.core.web_sessions import csrf_token
from chuanyu.web.filters import beijing, cn_date
from chuanyu.web.i18n import lang_of, translate
from chuanyu.web.nav import is_staff, menu_for

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


@pass_context
def csrf_input(context: Context) -> Markup:
    """The hidden CSRF field every POST form carries (empty when nobody is signed in)."""
    token = context.get("csrf_token")
    if not token:
        return Markup("")
    return Markup('<input type="hidden" name="{}" value="{}">').format(csrf.FIELD, escape(token))


templates.env.globals["csrf_input"] = csrf_input
templates.env.filters["beijing"] = beijing
templates.env.filters["cn_date"] = cn_date

NAV = ("ledger", "window", "housing_fund", "registry", "jobs")


def render(request: Request, template: str, context: dict[str, Any] | None = None,
           status_code: int = 200) -> HTMLResponse:
    """Render a page (or, for HTMX requests, a partial named with a leading underscore)."""
    lang = lang_of(request)
    node = request.app.state.node
    user = getattr(request.state, "user", None)
    domains = request.app.state.page_domains
    base: dict[str, Any] = {
        "request": request,
        "lang": lang,
        "t": lambda key: translate(key, lang),
        "node": node,
        "user": user,
        "staff": is_staff(user),
        "menu": menu_for(user, domains),
        "nav": [d for d in NAV if d in domains],
        "csrf_token": csrf_token(request),
        "csrf_header": csrf.HEADER,
    }
    base.update(context or {})
    return templates.TemplateResponse(request, template, base, status_code=status_code)
