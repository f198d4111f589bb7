"""Reading a ledger dataset file (the shipped seed, or any file of the same shape)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from chuanyu.ledger import parties
from chuanyu.ledger.rules import EntryFacts, Figure, FuzzyDate
from chuanyu.ledger.schemas import EntryBase, EntryCreate, FigureCreate
from chuanyu.ledger.yamlio import load_yaml


@dataclass(frozen=True, slots=True)
class Dataset:
    """Entries and reported figures from one source."""

    source_key: str
    source_title: str
    as_of: date
    entries: tuple[EntryCreate, ...]
    figures: tuple[FigureCreate, ...]


def parse_dataset(raw: Mapping[str, Any]) -> Dataset:
    """Validate a dataset structure; each entry cites the source and is bounded by its as-of."""
    src = raw["source"]
    as_of = src["as_of"] if isinstance(src["as_of"], date) else date.fromisoformat(src["as_of"])
    citation = f"{src['title']}"
    entries = []
    for row in raw.get("entries") or ():
        data = dict(row)
        data["date"] = str(data.get("date") or "")
        data.setdefault("source", citation)
        if "no_later_than" not in data and data.get("status", "done") == "done":
            data["no_later_than"] = as_of
        entries.append(EntryCreate.model_validate(data))
    figures = []
    for i, row in enumerate(raw.get("figures") or ()):
        data = dict(row)
        data.setdefault("as_of", as_of)
        data.setdefault("source", citation)
        data.setdefault("id", f"{src['key']}-{data['metric']}-{i}")
        figures.append(FigureCreate.model_validate(data))
    return Dataset(
        source_key=src["key"],
        source_title=src["title"],
        as_of=as_of,
        entries=tuple(entries),
        figures=tuple(figures),
    )


def load_dataset(path: Path) -> Dataset:
    """A dataset from a YAML file."""
    return parse_dataset(load_yaml(path.read_text("utf-8")))


@cache
def seed_dataset() -> Dataset:
    """The shipped dataset reproducing the July 2020 report."""
    text = resources.files("chuanyu.ledger").joinpath("data", "seed_2020.yaml").read_text("utf-8")
    return parse_dataset(load_yaml(text))


def to_facts(entry_id: str, entry: EntryBase, owner: str = "") -> EntryFacts:
    """The rules' view of a validated entry."""
    detail = dict(entry.detail)
    return EntryFacts(
        id=entry_id,
        kind=str(entry.kind),
        title=entry.title,
        date=FuzzyDate.parse(entry.date),
        parties=tuple(parties.get(code) for code in entry.parties),
        stage=entry.stage,
        no_later_than=entry.no_later_than,
        status=str(entry.status),
        detail=detail,
        metrics={k: Decimal(v) for k, v in entry.metrics.items()},
        tags=tuple(entry.tags),
        group=entry.group,
        summary=entry.summary,
        source=entry.source,
        qualifiers=dict(entry.qualifiers),
        owner=owner,
    )


def to_figure(fig: FigureCreate) -> Figure:
    """The rules' view of a reported figure."""
    return Figure(
        metric=fig.metric,
        value=fig.value,
        as_of=fig.as_of,
        qualifier=fig.qualifier,
        source=fig.source,
        note=fig.note,
    )
