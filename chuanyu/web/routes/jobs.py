"""Pages of the joint job board: public search over both regions and the posting page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse

from chuanyu.core import clock
from chuanyu.core.db import ReadSessionDep, WriteSessionDep
from chuanyu.core.errors import InvalidInput
from chuanyu.core.schemas import UserRead
from chuanyu.core.security import CurrentUser, Role, public, require
from chuanyu.jobs import forms, indexing
from chuanyu.jobs.enums import (
    EDUCATION_LABELS,
    EXPERIENCE_LABELS,
    STATUS_LABELS,
    Education,
    Experience,
)
from chuanyu.jobs.schemas import PostingCreate, PostingUpdate
from chuanyu.jobs.search.base import SearchRequest
from chuanyu.jobs.search.facets import ORIGIN_LABELS
from chuanyu.jobs.service import postings
from chuanyu.node import Node, NodeDep
from chuanyu.web import render
from chuanyu.web.forms import form_fields
from chuanyu.web.routes import jobs_employers as employer_pages

router = APIRouter(include_in_schema=False)
router.include_router(employer_pages.router)


@router.get("/", response_class=HTMLResponse, dependencies=[public()])
def search_page(
    request: Request,
    node: NodeDep,
    q: str = "",
    region: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
    industry: Annotated[str | None, Query(pattern=r"^[A-T]$")] = None,
    salary_band: Annotated[int | None, Query(ge=0, le=5)] = None,
    recency_days: int | None = None,
    page: Annotated[int, Query(ge=1, le=50)] = 1,
) -> HTMLResponse:
    """Search both regions' postings, with facets."""
    req = SearchRequest(
        q=q, region=region, industry=industry, salary_band=salary_band,
        recency_days=recency_days if recency_days in (1, 3, 7, 30) else None, page=page,
        now=clock.now(), today=clock.today(),
    )  # fmt: skip
    result = indexing.search_index(node).search(req)
    params = {k: v for k, v in {"q": q, "region": region, "industry": industry,
              "salary_band": salary_band, "recency_days": req.recency_days}.items()
              if v not in (None, "")}  # fmt: skip
    return render(request, "jobs/search.html", {
        "result": result, "req": req, "params": params, "origins": ORIGIN_LABELS,
    })  # fmt: skip


@router.get("/postings/{posting_id}", response_class=HTMLResponse, dependencies=[public()])
def posting_page(request: Request, posting_id: str, session: ReadSessionDep) -> HTMLResponse:
    """One posting of either region."""
    posting = postings.read(
        session=session, posting=postings.get(session=session, posting_id=posting_id)
    )
    return render(request, "jobs/posting.html", {
        "p": posting, "origins": ORIGIN_LABELS,
        "education": EDUCATION_LABELS[Education(posting.education)],
        "experience": EXPERIENCE_LABELS[Experience(posting.experience)],
    })  # fmt: skip


# -- employer / officer pages: post, edit and close this region's positions ------------------

WRITER = require(Role.hr_officer, Role.employer)
UNBOUND = "本账号尚未绑定统一社会信用代码，请联系登记机关绑定后再发布岗位"


def _form_page(request: Request, node: Node, user: UserRead, form: dict[str, str],
               errors: dict[str, str], action: str, status: int = 200) -> HTMLResponse:  # fmt: skip
    context = {
        "form": form, "errors": errors, "action": action, "is_officer": user.has("hr_officer"),
        "choices": forms.choices(node.member, clock.today()),
    }  # fmt: skip
    return render(request, "jobs/form.html", context, status_code=status)


@router.get("/manage", response_class=HTMLResponse, dependencies=[WRITER])
def manage_page(request: Request, session: ReadSessionDep, node: NodeDep,
                user: CurrentUser) -> HTMLResponse:  # fmt: skip
    """The positions this account may manage on this region's board."""
    rows = postings.managed(session=session, member=node.member, user=user)
    return render(request, "jobs/manage.html", {
        "rows": rows, "statuses": STATUS_LABELS, "region": node.name,
    })  # fmt: skip


@router.get("/manage/new", response_class=HTMLResponse, dependencies=[WRITER])
def new_page(request: Request, node: NodeDep, user: CurrentUser) -> HTMLResponse:
    """An empty posting form (an employer's own credit code filled in)."""
    form = {"employer_uscc": "" if user.has("hr_officer") else (user.subject_id or ""),
            "headcount": "1", "benefits": "五险一金"}  # fmt: skip
    errors: dict[str, str] = {}
    if not user.has("hr_officer") and user.subject_id:
        form["employer_name"] = user.display_name  # the registered name, set at binding
    elif not user.has("hr_officer"):
        errors["employer_uscc"] = UNBOUND
    return _form_page(request, node, user, form, errors, "/jobs/manage/new")


@router.post("/manage/new", response_class=HTMLResponse, dependencies=[WRITER],
             response_model=None)  # fmt: skip
async def new_submit(request: Request, session: WriteSessionDep, node: NodeDep,
                     user: CurrentUser) -> HTMLResponse | RedirectResponse:  # fmt: skip
    """Publish the posting, or show the form again with a message beside each bad field."""
    form = await form_fields(request)
    if not user.has("hr_officer"):
        form["employer_uscc"] = user.subject_id or ""
        if user.subject_id:
            form["employer_name"] = user.display_name
    data, errors = forms.parse(PostingCreate, form)
    if not user.has("hr_officer") and not user.subject_id:
        errors["employer_uscc"] = UNBOUND
    if data is None:
        return _form_page(request, node, user, form, errors, "/jobs/manage/new", 422)
    try:
        posting = await run_in_threadpool(
            postings.create, session=session, member=node.member, user=user, data=data
        )
    except InvalidInput as exc:
        session.rollback()
        errors = forms.service_errors(exc)
        return _form_page(request, node, user, form, errors, "/jobs/manage/new", 422)
    return RedirectResponse(f"/jobs/postings/{posting.id}", status_code=303)


@router.get("/manage/{posting_id}/edit", response_class=HTMLResponse, dependencies=[WRITER])
def edit_page(request: Request, posting_id: str, session: ReadSessionDep, node: NodeDep,
              user: CurrentUser) -> HTMLResponse:  # fmt: skip
    """The form of an open posting of this region, filled in."""
    posting = postings.owned_open(
        session=session, member=node.member, user=user, posting_id=posting_id
    )
    form = forms.form_of(postings.read(session=session, posting=posting))
    return _form_page(request, node, user, form, {}, f"/jobs/manage/{posting_id}/edit")


@router.post("/manage/{posting_id}/edit", response_class=HTMLResponse, dependencies=[WRITER],
             response_model=None)  # fmt: skip
async def edit_submit(request: Request, posting_id: str, session: WriteSessionDep, node: NodeDep,
                      user: CurrentUser) -> HTMLResponse | RedirectResponse:  # fmt: skip
    """Save the changed facts, or show the form again with field messages."""
    form = await form_fields(request)
    action = f"/jobs/manage/{posting_id}/edit"
    data, errors = forms.parse(PostingUpdate, form)
    if data is None:
        return _form_page(request, node, user, form, errors, action, 422)
    try:
        await run_in_threadpool(postings.update, session=session, member=node.member, user=user,
                                posting_id=posting_id, data=data)  # fmt: skip
    except InvalidInput as exc:
        session.rollback()
        return _form_page(request, node, user, form, forms.service_errors(exc), action, 422)
    return RedirectResponse(f"/jobs/postings/{posting_id}", status_code=303)


@router.post("/manage/{posting_id}/close", dependencies=[WRITER])
async def close_submit(posting_id: str, session: WriteSessionDep, node: NodeDep,
                       user: CurrentUser) -> RedirectResponse:  # fmt: skip
    """Close the posting (filled or withdrawn); the other region hears of it at once."""
    await run_in_threadpool(postings.close, session=session, member=node.member, user=user,
                            posting_id=posting_id)  # fmt: skip
    return RedirectResponse("/jobs/manage", status_code=303)
