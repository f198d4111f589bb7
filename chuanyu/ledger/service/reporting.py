"""Building the "N firsts" report from the node's database."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanyu.ledger.catalog import Catalog, default_catalog
from chuanyu.ledger.models import LedgerEntry, LedgerFigure
from chuanyu.ledger.providers import live_counts
from chuanyu.ledger.reports.build import build_report
from chuanyu.ledger.reports.model import Report
from chuanyu.ledger.rules import EntryFacts, Figure
from chuanyu.ledger.service.convert import figure_fact, to_facts


def entry_facts(session: Session) -> list[EntryFacts]:
    """Every entry on this node (own and replicated) as rule facts."""
    return [to_facts(r) for r in session.scalars(select(LedgerEntry).order_by(LedgerEntry.id))]


def figure_facts(session: Session) -> list[Figure]:
    """Every reported figure on this node."""
    return [figure_fact(r) for r in session.scalars(select(LedgerFigure))]


def build_report_for(
    session: Session,
    *,
    as_of: date,
    catalog: Catalog | None = None,
    with_live: bool = True,
) -> Report:
    """The report as of a date, with live counts from the other domains when asked."""
    live = live_counts(session) if with_live else {}
    return build_report(
        catalog or default_catalog(), entry_facts(session), figure_facts(session), as_of, live
    )
