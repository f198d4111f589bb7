"""Full-text search over postings behind a small interface (`SearchIndex`)."""

from chuanyu.jobs.search.base import (
    FacetValue,
    Hit,
    PostingDoc,
    SearchIndex,
    SearchPage,
    SearchRequest,
)

__all__ = ["FacetValue", "Hit", "PostingDoc", "SearchIndex", "SearchPage", "SearchRequest"]
