"""Between table rows, schemas, rule facts and replication payloads."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from chuanyu.core.schemas import from_row
from chuanyu.ledger import parties
from chuanyu.ledger.enums import DatePrecision
from chuanyu.ledger.models import LedgerEntry, LedgerEntryParty, LedgerEntryTag, LedgerFigure
from chuanyu.ledger.rules import EntryFacts, Figure, FuzzyDate
from chuanyu.ledger.schemas import EntryBase, EntryRead, FigureRead


def fuzzy(row: LedgerEntry) -> FuzzyDate:
    """The row's date with its precision."""
    return FuzzyDate(row.event_date, DatePrecision(row.date_precision))


def fill(row: LedgerEntry, data: EntryBase) -> None:
    """Copy validated content onto a row (parties and tags replaced)."""
    when = FuzzyDate.parse(data.date)
    row.kind = str(data.kind)
    row.title = data.title
    row.summary = data.summary
    row.event_date = when.value
    row.date_precision = str(when.precision)
    row.stage = data.stage
    row.no_later_than_date = data.no_later_than
    row.status = str(data.status)
    row.detail = dict(data.detail)
    row.metrics = {k: str(v) for k, v in data.metrics.items()}
    row.qualifiers = dict(data.qualifiers)
    row.group_key = data.group
    row.source = data.source
    row.parties = [LedgerEntryParty(position=i, party_code=c) for i, c in enumerate(data.parties)]
    row.tags = [LedgerEntryTag(tag=t) for t in dict.fromkeys(data.tags)]


def to_read(row: LedgerEntry) -> EntryRead:
    """The API shape of a row."""
    return EntryRead(
        id=row.id,
        owner=row.owner,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
        kind=row.kind,  # type: ignore[arg-type]
        title=row.title,
        summary=row.summary,
        date=fuzzy(row).iso(),
        stage=row.stage,
        no_later_than=row.no_later_than_date,
        status=row.status,  # type: ignore[arg-type]
        parties=[p.party_code for p in row.parties],
        detail=dict(row.detail),
        metrics={k: Decimal(v) for k, v in row.metrics.items()},
        qualifiers=dict(row.qualifiers),
        tags=sorted(t.tag for t in row.tags),
        group=row.group_key,
        source=row.source,
    )


def to_facts(row: LedgerEntry) -> EntryFacts:
    """The rules' view of a row (unknown party codes are skipped, not fatal)."""
    found = (parties.find(p.party_code) for p in row.parties)
    return EntryFacts(
        id=row.id,
        kind=row.kind,
        title=row.title,
        date=fuzzy(row),
        parties=tuple(p for p in found if p is not None),
        stage=row.stage,
        no_later_than=row.no_later_than_date,
        status=row.status,
        detail=dict(row.detail),
        metrics={k: Decimal(v) for k, v in row.metrics.items()},
        tags=tuple(sorted(t.tag for t in row.tags)),
        group=row.group_key,
        summary=row.summary,
        source=row.source,
        qualifiers=dict(row.qualifiers),
        owner=row.owner,
    )


# Columns read for the rules, in the order `facts_from_row` unpacks them. They are read as
# raw driver values (no per-value type processing: ten thousand rows in a fraction of the time);
# SQLite returns dates and JSON as text, PostgreSQL as native values, and both are handled.
FACT_COLUMNS = (
    "id",
    "kind",
    "title",
    "event_date",
    "date_precision",
    "stage",
    "no_later_than_date",
    "status",
    "detail",
    "metrics",
    "group_key",
    "summary",
    "source",
    "qualifiers",
    "owner",
)
FACTS_SQL = f"SELECT {', '.join(FACT_COLUMNS)} FROM ledger_entry ORDER BY id"


def _day(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


def facts_from_row(row: Sequence[Any], codes: list[str], tags: list[str]) -> EntryFacts:
    """The rules' view of a raw FACT_COLUMNS row with its party codes and tags."""
    (
        entry_id,
        kind,
        title,
        when,
        precision,
        stage,
        nlt,
        status,
        detail,
        metrics,
        group,
        summary,
        source,
        qualifiers,
        owner,
    ) = row
    found = [parties.find(c) for c in codes]
    metric_map = _json(metrics)
    return EntryFacts(
        id=entry_id,
        kind=kind,
        title=title,
        date=FuzzyDate(_day(when), DatePrecision(precision)),
        parties=tuple(p for p in found if p is not None),
        stage=stage,
        no_later_than=_day(nlt),
        status=status,
        detail=_json(detail),
        metrics={k: Decimal(v) for k, v in metric_map.items()} if metric_map else {},
        tags=tuple(tags),
        group=group,
        summary=summary,
        source=source,
        qualifiers=_json(qualifiers),
        owner=owner,
    )


def entry_payload(row: LedgerEntry) -> dict[str, Any]:
    """The replication event body of an entry."""
    return to_read(row).model_dump(mode="json")


def to_figure_read(row: LedgerFigure) -> FigureRead:
    """The API shape of a figure row."""
    return from_row(FigureRead, row, as_of=row.as_of_date)


def figure_fact(row: LedgerFigure) -> Figure:
    """The rules' view of a figure row."""
    return Figure(
        row.metric, Decimal(row.value), row.as_of_date, row.qualifier, row.source, row.note
    )
