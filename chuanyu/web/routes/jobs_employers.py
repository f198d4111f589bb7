"""Pages binding employer accounts to a registered business (for administrators and registrars)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from chuanyu.core.db import ReadSessionDep, write_scope
from chuanyu.core.errors import ChuanyuError, invalid
from chuanyu.core.security import Role, require
from chuanyu.jobs.service import employers
from chuanyu.node import NodeDep
from chuanyu.web import nav, render
from chuanyu.web.forms import form_fields
from chuanyu.web.nav import NavItem

router = APIRouter(include_in_schema=False)
nav.register(NavItem("用人单位账号", "/jobs/employers", nav.STAFF, ("registrar",), "jobs", 61,
                     "为用人单位账号绑定统一社会信用代码"))  # fmt: skip
BINDER = require(Role.registrar)  # admin passes every require


def _page(
    request: Request,
    session: Session,
    form: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
    bound: str | None = None,
) -> HTMLResponse:
    context = {
        "accounts": employers.list_accounts(session=session),
        "form": form,
        "errors": errors,
        "bound": bound,
    }
    return render(request, "jobs/employers.html", context, status_code=status)


@router.get("/employers", response_class=HTMLResponse, dependencies=[BINDER])
def employers_page(
    request: Request, session: ReadSessionDep, bound: str | None = None
) -> HTMLResponse:
    """Employer accounts of this node and the business each posts for."""
    return _page(request, session, {}, {}, bound=bound)


@router.post("/employers", response_class=HTMLResponse, dependencies=[BINDER],
             response_model=None)  # fmt: skip
async def bind_employer(
    request: Request, session: ReadSessionDep, node: NodeDep
) -> HTMLResponse | RedirectResponse:
    """Bind an employer account to a credit code the registry of either region holds."""
    form = await form_fields(request)
    username = form.get("username", "").strip()

    def run() -> str:
        # read → call → write: the lookup may ask the other region, so no unit is held over it.
        employers.employer_user(session=session, username=username)
        session.commit()
        business = employers.registered_business(
            session=session, node=node, code=form.get("uscc", "")
        )
        session.commit()
        with write_scope(node) as unit:
            employers.bind(session=unit, username=username, business=business)
        return business.uscc

    try:
        if not username:
            raise invalid("username", "请填写用人单位账号的用户名")
        code = await run_in_threadpool(run)
    except ChuanyuError as exc:
        session.rollback()
        errors = {e.field: e.message for e in exc.errors} or {"form": exc.detail}
        return _page(request, session, form, errors, exc.status)
    return RedirectResponse(f"/jobs/employers?bound={code}", status_code=303)
