"""Events on stream `jobs.postings`: full snapshots, so applying one is an idempotent upsert."""

from __future__ import annotations

from typing import Any

from chuanyu.jobs.models import Employer, Posting

STREAM = "jobs.postings"
CREATED = "posting.created"
UPDATED = "posting.updated"
CLOSED = "posting.closed"
EXPIRED = "posting.expired"
BATCH = "postings.batch"

EMPLOYER_FIELDS = ("id", "uscc", "name", "industry_code", "division_code", "origin")
POSTING_FIELDS = (
    "id", "origin", "employer_id", "title", "occupation_code", "industry_code", "division_code",
    "salary_min", "salary_max", "education", "experience", "employment_type", "headcount",
    "benefits", "description", "contact_name", "contact_phone", "valid_from", "valid_to",
    "status", "published_at", "updated_at", "version",
)  # fmt: skip


def snapshot(posting: Posting, employer: Employer) -> dict[str, Any]:
    """The whole posting and its employer, as JSON-ready values."""
    return {
        "posting": {f: _plain(getattr(posting, f)) for f in POSTING_FIELDS},
        "employer": {f: getattr(employer, f) for f in EMPLOYER_FIELDS},
    }


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list):
        return list(value)
    return value if isinstance(value, int | str | None) else str(value)
