"""Loading a dataset file (by default the shipped seed) into the node's ledger."""

from __future__ import annotations

from dataclasses import dataclass

from rich.progress import Progress
from sqlalchemy.orm import Session

from chuanyu.ledger.dataset import Dataset, seed_dataset
from chuanyu.ledger.models import LedgerEntry, LedgerFigure
from chuanyu.ledger.service.entries import add_entry
from chuanyu.ledger.service.figures import put_figure


@dataclass(frozen=True, slots=True)
class LoadResult:
    """How many records a load added and how many were already there."""

    entries: int
    figures: int
    skipped: int


def load_seed(
    *, session: Session, member: str, dataset: Dataset | None = None, progress: bool = False
) -> LoadResult:
    """Record the dataset's entries and figures as `member`'s own; ids already present are kept."""
    data = dataset or seed_dataset()
    added = figures = skipped = 0
    with Progress(transient=True, disable=not progress) as bar:
        task = bar.add_task("载入台账数据", total=len(data.entries) + len(data.figures))
        for entry in data.entries:
            if entry.id is not None and session.get(LedgerEntry, entry.id) is not None:
                skipped += 1
            else:
                add_entry(session=session, member=member, data=entry)
                added += 1
            bar.advance(task)
        for fig in data.figures:
            if fig.id is not None and session.get(LedgerFigure, fig.id) is not None:
                skipped += 1
            else:
                put_figure(session=session, member=member, data=fig)
                figures += 1
            bar.advance(task)
    return LoadResult(entries=added, figures=figures, skipped=skipped)
