"""Reading and writing posting files (CSV and xlsx) in the import layout."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from chuanyu.core import tables
from chuanyu.jobs.generate import GeneratedPosting

COLUMNS = (
    "id", "employer_uscc", "employer_name", "title", "occupation_code", "industry_code",
    "division_code", "salary_min", "salary_max", "education", "experience", "employment_type",
    "headcount", "benefits", "description", "contact_name", "contact_phone", "valid_from",
    "valid_to", "published_at", "status",
)  # fmt: skip


def record_of(p: GeneratedPosting) -> dict[str, Any]:
    """A generated posting as an import row (typed values)."""
    return {
        "id": p.id, "employer_uscc": p.employer.uscc, "employer_name": p.employer.name,
        "title": p.title, "occupation_code": p.occupation_code, "industry_code": p.industry_code,
        "division_code": p.division_code, "salary_min": p.salary_min, "salary_max": p.salary_max,
        "education": p.education, "experience": p.experience,
        "employment_type": p.employment_type, "headcount": p.headcount,
        "benefits": p.benefits, "description": p.description, "contact_name": p.contact_name,
        "contact_phone": p.contact_phone, "valid_from": p.valid_from, "valid_to": p.valid_to,
        "published_at": p.published_at, "status": p.status,
    }  # fmt: skip


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: (v if v not in ("", None) else None) for k, v in row.items() if k in COLUMNS}
    benefits = out.get("benefits")
    if isinstance(benefits, str):
        out["benefits"] = [
            b for b in benefits.replace("，", "、").replace(",", "、").split("、") if b
        ]
    return {k: v for k, v in out.items() if v is not None}


def read_rows(path: Path) -> list[dict[str, Any]]:
    """All rows of a CSV (UTF-8) or xlsx file (first sheet), keyed by the header row."""
    return [_clean({k: "" if v is None else str(v) for k, v in record.items()})
            for record in tables.read_table(path).records()]


def write_csv(path: Path, rows: Iterator[dict[str, Any]]) -> int:
    """Write rows in the import layout; returns how many."""
    n = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "benefits": "、".join(row["benefits"])})
            n += 1
    return n
