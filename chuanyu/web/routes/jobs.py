"""Pages of the joint job board: public search over both regions and the posting page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from chuanyu.core import clock
from chuanyu.core.db import SessionDep
from chuanyu.core.node import NodeDep
from chuanyu.core.security import public
from chuanyu.jobs import indexing
from chuanyu.jobs.enums import EDUCATION_LABELS, EXPERIENCE_LABELS, Education, Experience
from chuanyu.jobs.search.base import SearchRequest
from chuanyu.jobs.search.facets import ORIGIN_LABELS
from chuanyu.jobs.service import postings
from chuanyu.web import render

router = APIRouter(include_in_schema=False)


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
def posting_page(request: Request, posting_id: str, session: SessionDep) -> HTMLResponse:
    """One posting of either region."""
    posting = postings.read(session, postings.get(session=session, posting_id=posting_id))
    return render(request, "jobs/posting.html", {
        "p": posting, "origins": ORIGIN_LABELS,
        "education": EDUCATION_LABELS[Education(posting.education)],
        "experience": EXPERIENCE_LABELS[Experience(posting.experience)],
    })  # fmt: skip
