"""One way to page through a list: `limit`/`offset` query parameters and a `Page[T]` answer."""

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")
R = TypeVar("R")

# Deeper pages are a search problem, not a paging one; the bound also keeps offsets inside
# what every database accepts as an integer.
MAX_OFFSET = 10_000
DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class PageQuery:
    """Which slice of a list the caller asked for."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0


class Page(BaseModel, Generic[T]):
    """One page of a list: its items, how many match in all, and where the page starts."""

    items: list[T]
    total: int
    limit: int
    offset: int

    @classmethod
    def of(cls, items: list[T], total: int, query: PageQuery) -> "Page[T]":
        """The page holding `items` out of `total`, for the slice `query` asked for."""
        return cls(items=items, total=total, limit=query.limit, offset=query.offset)


def paging(max_limit: int = 200) -> Any:
    """Route dependency reading `limit` (1…`max_limit`) and `offset` (0…MAX_OFFSET)."""

    def page_query(
        limit: int = Query(DEFAULT_LIMIT, ge=1, le=max_limit, description="每页条数"),
        offset: int = Query(0, ge=0, le=MAX_OFFSET,
                            description=f"跳过的条数（最多 {MAX_OFFSET}，更深请缩小筛选范围）"),
    ) -> PageQuery:
        return PageQuery(limit=limit, offset=offset)

    return Depends(page_query)


def fetch_page(*, session: Session, query: Select[R], limit: int, offset: int
               ) -> tuple[list[R], int]:
    """One slice of `query`'s rows (ordered by the query) and how many rows match in all."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = list(session.scalars(query.limit(limit).offset(offset)))
    return rows, int(total or 0)
