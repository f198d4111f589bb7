"""Pure ledger rules: fuzzy dates, stages, category matching, firsts and totals.

No session, clock or I/O here. An entry is seen through `EntryFacts`, whatever it was loaded
from (the database, the seed file, an import sheet).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from chuanyu.ledger.enums import DatePrecision, EntryStatus, FirstStatus
from chuanyu.ledger.parties import Party

EARLIEST = date.min
LATEST = date.max


@dataclass(frozen=True, slots=True)
class FuzzyDate:
    """A date known to the day, to the month, or not at all."""

    value: date | None
    precision: DatePrecision

    def __post_init__(self) -> None:
        if (self.value is None) != (self.precision == DatePrecision.UNKNOWN):
            raise ValueError("a date needs a value unless its precision is 'unknown'")

    @classmethod
    def unknown(cls) -> FuzzyDate:
        """A date the source does not give."""
        return cls(None, DatePrecision.UNKNOWN)

    @classmethod
    def parse(cls, text: str | None) -> FuzzyDate:
        """'2020-05-06' (day), '2020-05' (month), '' or None (unknown)."""
        text = (text or "").strip()
        if not text:
            return cls.unknown()
        if len(text) == 7:
            year, month = text.split("-")
            return cls(date(int(year), int(month), 1), DatePrecision.MONTH)
        return cls(date.fromisoformat(text), DatePrecision.DAY)

    def bounds(self) -> tuple[date, date]:
        """First and last day the event may have fallen on."""
        if self.value is None:
            return EARLIEST, LATEST
        if self.precision == DatePrecision.MONTH:
            last = calendar.monthrange(self.value.year, self.value.month)[1]
            return self.value.replace(day=1), self.value.replace(day=last)
        return self.value, self.value

    def iso(self) -> str:
        """Inverse of `parse`."""
        if self.value is None:
            return ""
        if self.precision == DatePrecision.MONTH:
            return self.value.strftime("%Y-%m")
        return self.value.isoformat()

    def label(self) -> str:
        """Chinese label: 2020年5月6日, 2020年5月, or 日期未注明."""
        if self.value is None:
            return "日期未注明"
        if self.precision == DatePrecision.MONTH:
            return f"{self.value.year}年{self.value.month}月"
        return f"{self.value.year}年{self.value.month}月{self.value.day}日"


@dataclass(frozen=True, slots=True)
class Stage:
    """A stage of the work, from `start` until the next stage starts."""

    number: int
    name: str
    start: date
    description: str = ""


def stage_bounds(stages: Sequence[Stage], number: int) -> tuple[date, date]:
    """First and last day of a stage (the last stage is open-ended)."""
    table = _bounds_table(tuple(stages))
    if number not in table:
        raise ValueError(f"no stage {number}")
    return table[number]


@cache
def _bounds_table(stages: tuple[Stage, ...]) -> dict[int, tuple[date, date]]:
    ordered = sorted(stages, key=lambda s: s.start)
    table = {}
    for i, stage in enumerate(ordered):
        end = ordered[i + 1].start - timedelta(days=1) if i + 1 < len(ordered) else LATEST
        table[stage.number] = (stage.start, end)
    return table


def stage_of_day(stages: Sequence[Stage], day: date) -> int | None:
    """The stage a day falls in, or None before the first stage."""
    found = None
    for number, (start, _end) in _bounds_table(tuple(stages)).items():
        if start <= day:
            found = number
    return found


@dataclass(slots=True, eq=False)
class EntryFacts:
    """What the rules need to know about an entry (treated as read-only; not frozen because
    ten thousand frozen instances take noticeably longer to build)."""

    id: str
    kind: str
    title: str
    date: FuzzyDate
    parties: tuple[Party, ...] = ()
    stage: int | None = None
    no_later_than: dt.date | None = None
    status: str = EntryStatus.DONE
    detail: Mapping[str, Any] = field(default_factory=dict)
    metrics: Mapping[str, Decimal] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    group: str | None = None
    summary: str = ""
    source: str = ""
    qualifiers: Mapping[str, str] = field(default_factory=dict)
    owner: str = ""


def interval(entry: EntryFacts, stages: Sequence[Stage]) -> tuple[date, date]:
    """The days the entry may have happened on, narrowed by its stage and source date."""
    lo, hi = entry.date.bounds()
    if entry.stage is not None:
        s_lo, s_hi = stage_bounds(stages, entry.stage)
        lo, hi = max(lo, s_lo), min(hi, s_hi)
    if entry.no_later_than is not None:
        hi = min(hi, entry.no_later_than)
    return lo, hi


def stage_of(entry: EntryFacts, stages: Sequence[Stage]) -> int | None:
    """Explicit stage, else the stage the whole date range falls in, else None."""
    if entry.stage is not None:
        return entry.stage
    lo, hi = interval(entry, stages)
    if lo == EARLIEST or hi == LATEST:
        return None
    first, last = stage_of_day(stages, lo), stage_of_day(stages, hi)
    return first if first == last else None


def happened_by(entry: EntryFacts, stages: Sequence[Stage], as_of: date) -> bool:
    """True when the entry had certainly taken place by `as_of`."""
    return entry.status == EntryStatus.DONE and interval(entry, stages)[1] <= as_of


def possibly_by(entry: EntryFacts, stages: Sequence[Stage], as_of: date) -> bool:
    """True when the entry may, but need not, have taken place by `as_of`."""
    lo, hi = interval(entry, stages)
    return entry.status == EntryStatus.DONE and lo <= as_of < hi


@dataclass(frozen=True, slots=True)
class PartyClass:
    """A class of parties: any of the attributes left None matches everything."""

    region: str | None = None
    levels: tuple[str, ...] | None = None
    border: bool | None = None

    def matches(self, party: Party) -> bool:
        """True when the party belongs to the class."""
        if self.region is not None and party.region != self.region:
            return False
        if self.levels is not None and party.level not in self.levels:
            return False
        return self.border is None or party.border == self.border


@dataclass(frozen=True, slots=True)
class Category:
    """A rule over entries; its earliest entry is "the first" of the category."""

    key: str
    title: str
    kind: str
    detail: Mapping[str, Any] = field(default_factory=dict)
    require: tuple[PartyClass, ...] = ()
    only: bool = False
    min_parties: int = 0
    description: str = ""

    def matches(self, entry: EntryFacts) -> bool:
        """True when the entry belongs to the category."""
        if entry.kind != self.kind or entry.status != EntryStatus.DONE:
            return False
        if any(entry.detail.get(k) != v for k, v in self.detail.items()):
            return False
        if len(entry.parties) < self.min_parties:
            return False
        if not all(any(c.matches(p) for p in entry.parties) for c in self.require):
            return False
        return not (
            self.only and not all(any(c.matches(p) for c in self.require) for p in entry.parties)
        )


@dataclass(frozen=True, slots=True)
class First:
    """The derived first of a category, or the candidates when it cannot be told."""

    category: Category
    status: FirstStatus
    entry: EntryFacts | None
    candidates: tuple[EntryFacts, ...] = ()


def first_of(
    category: Category, entries: Iterable[EntryFacts], stages: Sequence[Stage], as_of: date
) -> First:
    """The earliest entry of the category among those certainly done by `as_of`."""
    members = [e for e in entries if category.matches(e) and happened_by(e, stages, as_of)]
    if not members:
        return First(category, FirstStatus.NONE, None)
    spans = [interval(e, stages) for e in members]
    # A candidate is any entry that no other entry certainly precedes (ends before it starts).
    ends = sorted((hi, i) for i, (_, hi) in enumerate(spans))
    candidates = []
    for i, entry in enumerate(members):
        earliest_other_end = ends[1][0] if ends[0][1] == i and len(ends) > 1 else ends[0][0]
        if len(members) == 1 or not earliest_other_end < spans[i][0]:
            candidates.append((spans[i], entry))
    candidates.sort(key=lambda c: (c[0][0], c[1].id))
    ordered = [c[1] for c in candidates]
    span_of = {id(c[1]): c[0] for c in candidates}
    if len(ordered) == 1:
        return First(category, FirstStatus.CERTAIN, ordered[0], tuple(ordered))
    exact = {span_of[id(e)] for e in ordered}
    same_day = len(exact) == 1 and all(e.date.precision == DatePrecision.DAY for e in ordered)
    status = FirstStatus.TIE if same_day else FirstStatus.UNCERTAIN
    return First(category, status, None, tuple(ordered))


def firsts(
    categories: Sequence[Category],
    entries: Sequence[EntryFacts],
    stages: Sequence[Stage],
    as_of: date,
) -> list[First]:
    """The first of every category as it stood on `as_of`."""
    by_kind = by_kinds(entries)
    return [first_of(c, by_kind.get(c.kind, ()), stages, as_of) for c in categories]


def by_kinds(entries: Iterable[EntryFacts]) -> dict[str, list[EntryFacts]]:
    """Entries grouped by kind (every category looks at one kind only)."""
    grouped: dict[str, list[EntryFacts]] = {}
    for entry in entries:
        grouped.setdefault(entry.kind, []).append(entry)
    return grouped


@dataclass(frozen=True, slots=True)
class MetricRule:
    """How the ledger counts a running total: entries of a category, or a summed metric."""

    metric: str
    label: str
    unit: str = ""
    category: str | None = None
    sum_metric: str | None = None
    default: Decimal = Decimal(1)
    shown_with: str | None = None


def ledger_value(
    rule: MetricRule,
    categories: Mapping[str, Category],
    entries: Iterable[EntryFacts],
    stages: Sequence[Stage],
    as_of: date,
) -> Decimal | None:
    """The ledger's own count for a metric as of a date; None when the ledger cannot count it."""
    if rule.category is None:
        return None
    category = categories[rule.category]
    total = Decimal(0)
    for entry in by_kinds(entries).get(category.kind, ()):
        if category.matches(entry) and happened_by(entry, stages, as_of):
            if rule.sum_metric is None:
                total += 1
            else:
                total += entry.metrics.get(rule.sum_metric, rule.default)
    return total


@dataclass(frozen=True, slots=True)
class Figure:
    """A total as published: value, as-of date, qualifier (e.g. 余 = "more than") and source."""

    metric: str
    value: Decimal
    as_of: date
    qualifier: str = ""
    source: str = ""
    note: str = ""


def latest_figures(figures: Iterable[Figure], as_of: date) -> dict[str, Figure]:
    """The most recent published figure of each metric on or before `as_of`."""
    found: dict[str, Figure] = {}
    for fig in sorted(figures, key=lambda f: f.as_of):
        if fig.as_of <= as_of:
            found[fig.metric] = fig
    return found


def per_stage_and_kind(
    entries: Iterable[EntryFacts], stages: Sequence[Stage], as_of: date
) -> dict[tuple[int | None, str], int]:
    """Count of entries done by `as_of`, by (stage or None, kind)."""
    counts: dict[tuple[int | None, str], int] = {}
    for entry in entries:
        if happened_by(entry, stages, as_of):
            key = (stage_of(entry, stages), entry.kind)
            counts[key] = counts.get(key, 0) + 1
    return counts
