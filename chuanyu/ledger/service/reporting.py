"""Building the "N firsts" report from the node's database."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from chuanyu.ledger.catalogue import Catalog, default_catalog
from chuanyu.ledger.models import LedgerEntryParty, LedgerEntryTag, LedgerFigure
from chuanyu.ledger.providers import live_counts
from chuanyu.ledger.reports.build import build_report
from chuanyu.ledger.reports.model import Report
from chuanyu.ledger.rules import EntryFacts, Figure
from chuanyu.ledger.service.convert import FACTS_SQL, facts_from_row, figure_fact


def entry_facts(*, session: Session) -> list[EntryFacts]:
    """Every entry on this node (own and replicated) as rule facts (read without ORM objects)."""
    party_rows = session.execute(
        select(LedgerEntryParty.entry_id, LedgerEntryParty.party_code).order_by(
            LedgerEntryParty.entry_id, LedgerEntryParty.position
        )
    )
    codes: dict[str, list[str]] = defaultdict(list)
    for entry_id, code in party_rows:
        codes[entry_id].append(code)
    tags: dict[str, list[str]] = defaultdict(list)
    for entry_id, tag in session.execute(select(LedgerEntryTag.entry_id, LedgerEntryTag.tag)):
        tags[entry_id].append(tag)
    rows = session.execute(text(FACTS_SQL)).all()
    return [facts_from_row(row, codes[row[0]], sorted(tags[row[0]])) for row in rows]


def figure_facts(*, session: Session) -> list[Figure]:
    """Every reported figure on this node."""
    return [figure_fact(r) for r in session.scalars(select(LedgerFigure))]


def build_report_for(
    *,
    session: Session,
    as_of: date,
    catalog: Catalog | None = None,
    with_live: bool = True,
    exported_by: str | None = None,
) -> Report:
    """The report as of a date, with live counts (records up to that date) when asked.

    `exported_by` names the node in the colophon; by default the node the session belongs to.
    """
    live = live_counts(session, as_of) if with_live else {}
    if exported_by is None:
        node = session.info.get("node")
        exported_by = node.name if node is not None else ""
    return build_report(
        catalog or default_catalog(),
        entry_facts(session=session),
        figure_facts(session=session),
        as_of,
        live,
        exported_by=exported_by,
    )
