"""The search interface: what an index stores, what a search asks, what it answers.

The embedded tantivy index implements it; a server engine for a deployment that outgrows one
machine would implement the same protocol and nothing else in the domain would change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from chuanyu.jobs import reference, rules
from chuanyu.jobs.text import SEPARATOR

FACETS = ("region", "industry", "salary_band", "education", "experience", "recency", "origin")


@dataclass(slots=True)
class PostingDoc:
    """An open posting as the index sees it (a projection of the database row)."""

    id: str
    origin: str
    title: str
    employer_name: str
    occupation_code: str
    industry_code: str
    division_code: str
    salary_min: int
    salary_max: int
    education: str
    experience: str
    employment_type: str
    headcount: int
    benefits: list[str]
    description: str
    published_at: datetime
    valid_to: date

    @property
    def place(self) -> reference.Place:
        """Province, city and district of the work location."""
        return reference.place(self.division_code)

    @property
    def salary_band(self) -> int:
        """Index of the salary band of the posting's range."""
        return rules.salary_band(self.salary_min, self.salary_max)

    def searchable_text(self) -> str:
        """Everything a query word may be found in, fields kept apart by `SEPARATOR`."""
        return SEPARATOR.join(
            (
                self.title,
                self.employer_name,
                reference.OCCUPATION_GROUPS.get(self.occupation_code[:1], ""),
                reference.INDUSTRY_SECTIONS.get(self.industry_code, ""),
                self.place.label,
                "、".join(self.benefits),
                self.description,
            )
        )


@dataclass(slots=True)
class SearchRequest:
    """A search: words, filters, page. Filters left as None do not restrict."""

    q: str = ""
    region: str | None = None
    industry: str | None = None
    salary_band: int | None = None
    education: str | None = None
    experience: str | None = None
    recency_days: int | None = None
    origin: str | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    facets: bool = True
    now: datetime | None = None
    today: date | None = None


@dataclass(slots=True)
class Hit:
    """One result: the posting's card (stored summary), its score and a highlighted excerpt."""

    id: str
    score: float
    card: dict[str, object]
    snippet_html: str
    title_html: str


@dataclass(slots=True)
class FacetValue:
    """A value of a facet, with the number of results that choosing it would give."""

    value: str
    label: str
    count: int
    selected: bool = False


@dataclass(slots=True)
class SearchPage:
    """Results of a search: one page of hits, the total, facet counts, time taken."""

    total: int
    hits: list[Hit]
    page: int
    per_page: int
    words: list[str]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    took_ms: float = 0.0


class SearchIndex(Protocol):
    """What the jobs domain needs of a search engine."""

    def upsert(self, docs: Sequence[PostingDoc]) -> None:
        """Add or replace postings (visible after the next `commit`)."""

    def delete(self, ids: Iterable[str]) -> None:
        """Remove postings by id (visible after the next `commit`)."""

    def clear(self) -> None:
        """Remove every posting (visible after the next `commit`)."""

    def commit(self) -> None:
        """Make all pending changes durable and searchable."""

    def search(self, request: SearchRequest) -> SearchPage:
        """Run a search."""

    def count(self) -> int:
        """Number of postings searchable now."""

    def ids(self) -> set[str]:
        """Ids of every searchable posting (for consistency checks)."""

    def close(self) -> None:
        """Release the index (and its writer lock)."""
