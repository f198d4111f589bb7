"""REST API of the jobs domain, mounted under /api/jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from chuanyu.core import clock
from chuanyu.core.db import ReadSessionDep, WriteSessionDep
from chuanyu.core.errors import Conflict
from chuanyu.core.idempotency import idempotent
from chuanyu.core.security import CurrentUser, Role, public, require
from chuanyu.divisions.fields import DivisionCode
from chuanyu.jobs import indexing
from chuanyu.jobs.enums import IndexState
from chuanyu.jobs.schemas import (
    FacetValueRead,
    HitRead,
    PostingCreate,
    PostingRead,
    PostingUpdate,
    SearchPageRead,
)
from chuanyu.jobs.search.base import SearchRequest
from chuanyu.jobs.service import ingest, postings
from chuanyu.node import Node, NodeDep

router = APIRouter(tags=["jobs"])
WRITERS = (Role.hr_officer, Role.employer)


@router.get("/search", response_model=SearchPageRead, dependencies=[public()])
def search_postings(
    node: NodeDep,
    q: str = "",
    region: Annotated[DivisionCode | None, Query(pattern=r"^\d{6}$")] = None,
    industry: Annotated[str | None, Query(pattern=r"^[A-T]$")] = None,
    salary_band: Annotated[int | None, Query(ge=0, le=5)] = None,
    education: str | None = None,
    experience: str | None = None,
    recency_days: Annotated[int | None, Query()] = None,
    origin: str | None = None,
    sort: Annotated[str, Query(pattern=r"^(relevance|newest)$")] = "relevance",
    page: Annotated[int, Query(ge=1, le=50)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
    facets: bool = True,
) -> SearchPageRead:
    """Search both regions' open postings."""
    request = SearchRequest(
        q=q, region=region, industry=industry, salary_band=salary_band, education=education,
        experience=experience, recency_days=recency_days if recency_days in (1, 3, 7, 30) else None,
        origin=origin, sort=sort, page=page, per_page=per_page, facets=facets,
        now=clock.now(), today=clock.today(),
    )  # fmt: skip
    result = indexing.search_index(node).search(request)
    return SearchPageRead(
        total=result.total, page=result.page, per_page=result.per_page, took_ms=result.took_ms,
        hits=[
            HitRead(
                id=h.id, score=h.score, origin=str(h.card["origin"]), title=str(h.card["title"]),
                employer_name=str(h.card["employer_name"]), place=str(h.card["place"]),
                salary_min=int(h.card["salary_min"]),  # type: ignore[call-overload]
                salary_max=int(h.card["salary_max"]),  # type: ignore[call-overload]
                published_at=str(h.card["published_at"]), snippet_html=h.snippet_html,
            )
            for h in result.hits
        ],
        facets={
            k: [FacetValueRead(value=f.value, label=f.label, count=f.count, selected=f.selected)
                for f in v]
            for k, v in result.facets.items()
        },
    )  # fmt: skip


@router.post("/postings", status_code=201, response_model=PostingRead,
             dependencies=[require(*WRITERS), idempotent()])  # fmt: skip
def create_posting(
    body: PostingCreate, session: WriteSessionDep, node: NodeDep, user: CurrentUser
) -> PostingRead:
    """Publish a posting on this region's board."""
    posting = postings.create(session=session, member=node.member, user=user, data=body)
    return postings.read(session=session, posting=posting)


@router.get("/postings/{posting_id}", response_model=PostingRead, dependencies=[public()])
def get_posting(posting_id: str, session: ReadSessionDep) -> PostingRead:
    """One posting of either region."""
    return postings.read(
        session=session, posting=postings.get(session=session, posting_id=posting_id)
    )


@router.put("/postings/{posting_id}", response_model=PostingRead,
            dependencies=[require(*WRITERS)])  # fmt: skip
def update_posting(
    posting_id: str, body: PostingUpdate, session: WriteSessionDep, node: NodeDep, user: CurrentUser
) -> PostingRead:
    """Change an open posting of this region."""
    posting = postings.update(
        session=session, member=node.member, user=user, posting_id=posting_id, data=body
    )
    return postings.read(session=session, posting=posting)


@router.post("/postings/{posting_id}/close", response_model=PostingRead,
             dependencies=[require(*WRITERS)])  # fmt: skip
def close_posting(
    posting_id: str, session: WriteSessionDep, node: NodeDep, user: CurrentUser
) -> PostingRead:
    """Close an open posting of this region."""
    posting = postings.close(session=session, member=node.member, user=user, posting_id=posting_id)
    return postings.read(session=session, posting=posting)


class ImportBody(BaseModel):
    """Rows in the import layout (the columns of `chuanyu jobs import` files)."""

    rows: list[dict[str, Any]] = Field(min_length=1, max_length=200_000)


@router.post("/import", dependencies=[require(Role.hr_officer)])
def import_postings(body: ImportBody, node: NodeDep) -> dict[str, int]:
    """Import postings of this region: every row checked first, nothing stored on any error."""
    result = ingest.import_rows(node, body.rows)
    return {"postings": result.postings, "employers": result.employers}


class IndexStatus(BaseModel):
    """The search index of this node."""

    searchable: int
    queued: int
    rebuilding: bool
    rebuild_done: int
    rebuild_total: int
    rebuild_error: str | None = None
    state: IndexState = Field(description="ok, waiting (for the writer), failing or idle")
    state_since: datetime | None = None
    last_error: str | None = None


def _indexer(node: Node) -> indexing.Indexer:
    indexer = indexing.indexer_for(node)
    if indexer is None:
        since = indexing.index_health(node).since
        when = f"自 {since.astimezone(clock.CHINA):%Y-%m-%d %H:%M:%S} 起" if since else ""
        raise Conflict(f"另一进程正占用搜索索引的写入，本节点{when}等待其释放，释放后自动接管，"
                       "请稍后再试", code="index_locked")  # fmt: skip
    return indexer


@router.get("/index", response_model=IndexStatus, dependencies=[require(Role.admin)])
def index_status(node: NodeDep, session: ReadSessionDep) -> IndexStatus:
    """How many postings are searchable, how many changes wait, whether the writer works
    (or is waited for, or failing), and any rebuild's progress."""
    index = indexing.search_index(node)
    indexer = indexing.indexer_for(node)
    health = indexing.index_health(node)
    done, total = indexer.rebuild_progress if indexer else (0, 0)
    return IndexStatus(
        searchable=index.count(), queued=indexing.queued(session=session),
        rebuilding=indexer.rebuilding if indexer else False, rebuild_done=done,
        rebuild_total=total, rebuild_error=indexer.rebuild_error if indexer else None,
        state=health.state, state_since=health.since, last_error=health.error,
    )  # fmt: skip


@router.post("/index/rebuild", status_code=202, response_model=IndexStatus,
             dependencies=[require(Role.admin)])  # fmt: skip
def rebuild_index(node: NodeDep, session: ReadSessionDep) -> IndexStatus:
    """Rebuild the search index from the database while the node keeps serving."""
    if not _indexer(node).start_rebuild():
        raise Conflict("索引正在重建或批量导入中，请稍后再试", code="index_busy")
    return index_status(node, session)


@router.post("/expire", dependencies=[require(Role.hr_officer)])
def expire_postings(session: WriteSessionDep, node: NodeDep) -> dict[str, int]:
    """Expire this region's postings past their end date now (the sweep also runs daily)."""
    return {"expired": postings.expire_due(session=session, member=node.member)}
