"""Events on stream `jobs.postings`: full snapshots, so applying one is an idempotent upsert.

One posting's change is one event (`posting.created` … `posting.expired`) carrying the posting
and its employer. Bulk changes (imports, the generator, the expiry sweep) send one
`postings.batch` event per few hundred postings in a compact columnar form: the field names
once, then one list of values per posting, and each employer once.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
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
_DECIMALS = ("salary_min", "salary_max")
_DATES = ("valid_from", "valid_to")
_TIMES = ("published_at", "updated_at")


def snapshot(posting: Posting, employer: Employer) -> dict[str, Any]:
    """The whole posting and its employer, as JSON-ready values."""
    return {
        "posting": {f: plain(getattr(posting, f)) for f in POSTING_FIELDS},
        "employer": {f: getattr(employer, f) for f in EMPLOYER_FIELDS},
    }


def plain(value: Any) -> Any:
    """A column value as JSON: dates and times in ISO form, decimals as strings."""
    if isinstance(value, str | int | None):
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list):
        return list(value)
    return str(value)


def batch_payload(rows: list[dict[str, Any]], employers: list[dict[str, Any]]) -> dict[str, Any]:
    """A `postings.batch` payload of posting rows (column dicts) and their employers."""
    return {
        "fields": POSTING_FIELDS,
        "rows": [_row(r) for r in rows],
        "employer_fields": EMPLOYER_FIELDS,
        "employers": [[e[f] for f in EMPLOYER_FIELDS] for e in employers],
    }


# Ids, codes, figures, dates and the JSON around them, per posting in a batch event.
ROW_OVERHEAD = 400
# Free text costs up to 3 bytes a character in UTF-8, and a quote or backslash is escaped twice
# on the wire (once in the payload, once in the batch): 4 is an estimate that never falls short
# for ordinary text.
TEXT_FACTOR = 4


def row_bytes(r: dict[str, Any]) -> int:
    """Estimated bytes a posting row (column dict) adds to a `postings.batch` event on the wire,
    its employer included; for splitting bulk changes into events of a given size."""
    text = (len(r["title"]) + len(r["description"] or "") + len(r["contact_name"] or "")
            + sum(len(b) for b in r["benefits"] or ()))
    return ROW_OVERHEAD + TEXT_FACTOR * text


def _row(r: dict[str, Any]) -> list[Any]:
    """A posting's values in `POSTING_FIELDS` order, JSON-ready."""
    return [
        r["id"], r["origin"], r["employer_id"], r["title"], r["occupation_code"],
        r["industry_code"], r["division_code"], str(r["salary_min"]), str(r["salary_max"]),
        r["education"], r["experience"], r["employment_type"], r["headcount"], r["benefits"],
        r["description"], r["contact_name"], r["contact_phone"], r["valid_from"].isoformat(),
        r["valid_to"].isoformat(), r["status"], r["published_at"].isoformat(),
        r["updated_at"].isoformat(), r["version"],
    ]  # fmt: skip


def decode(event_type: str, payload: dict[str, Any]) -> tuple[list[dict[str, Any]],
                                                             list[dict[str, Any]]]:  # fmt: skip
    """(employers, postings) of an event, as column dicts with typed values."""
    if event_type == BATCH and "rows" in payload:
        fields, efields = payload["fields"], payload["employer_fields"]
        postings = [dict(zip(fields, row, strict=True)) for row in payload["rows"]]
        employers = [dict(zip(efields, row, strict=True)) for row in payload["employers"]]
    else:
        snaps = payload["items"] if event_type == BATCH else [payload]
        postings = [dict(s["posting"]) for s in snaps]
        employers = [dict(s["employer"]) for s in snaps]
    for data in postings:
        for key in _DECIMALS:
            data[key] = Decimal(str(data[key]))
        for key in _DATES:
            data[key] = date.fromisoformat(data[key])
        for key in _TIMES:
            data[key] = datetime.fromisoformat(data[key])
    return employers, postings
