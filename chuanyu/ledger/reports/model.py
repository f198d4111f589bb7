"""The report as plain data: every output format (html, pdf, md, xlsx, json) renders this."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(slots=True)
class PartyView:
    """A party as shown in the report."""

    code: str
    name: str
    region: str
    level: str


@dataclass(slots=True)
class FigureView:
    """One figure of an entry, e.g. 线路全长 29 公里."""

    key: str
    label: str
    value: Decimal
    unit: str
    qualifier: str = ""

    @property
    def text(self) -> str:
        """Chinese rendering: 约1小时, 29公里."""
        return f"{self.qualifier}{format_number(self.value)}{self.unit}"


@dataclass(slots=True)
class EntryView:
    """An entry as shown in the report."""

    id: str
    kind: str
    kind_label: str
    title: str
    summary: str
    date: str
    date_label: str
    stage: int | None
    stage_name: str
    status: str
    parties: list[PartyView]
    figures: list[FigureView]
    lists: dict[str, list[str]]
    source: str
    owner: str


@dataclass(slots=True)
class TotalView:
    """A running total: published figure, ledger count and live count side by side."""

    metric: str
    label: str
    unit: str
    reported: Decimal | None
    qualifier: str
    reported_as_of: date | None
    source: str
    ledger: Decimal | None
    live: int | None
    shown_with: str | None

    @property
    def reported_text(self) -> str:
        """The published figure the way the source writes it (1.3万余, 60余万, 85)."""
        if self.reported is None:
            return "—"
        return format_reported(self.reported, self.qualifier) + self.unit

    @property
    def compared(self) -> bool:
        """True when a published figure exists and something counts the same metric."""
        return self.reported is not None and (self.ledger is not None or self.live is not None)

    @property
    def differs(self) -> bool:
        """True when the ledger or live count does not match the published figure."""
        if self.reported is None:
            return False
        counts = [c for c in (self.ledger, self.live) if c is not None]
        return any(Decimal(c) != self.reported for c in counts)


@dataclass(slots=True)
class FirstView:
    """A category's first, with related entries and its running totals."""

    category: str
    title: str
    status: str
    status_label: str
    entry: EntryView | None
    candidates: list[EntryView]
    related: list[EntryView]
    totals: list[TotalView]
    candidate_count: int = 0


@dataclass(slots=True)
class StageView:
    """A stage with its date range and how many entries fall in it."""

    number: int
    name: str
    start: date
    end: date | None
    description: str
    entries: int


@dataclass(slots=True)
class TimelineItem:
    """A bar on the timeline: the days a first may have happened on."""

    label: str
    start: date
    end: date
    exact: bool


@dataclass(slots=True)
class Report:
    """The "N firsts" report as of a date."""

    title: str
    as_of: date
    stages: list[StageView]
    firsts: list[FirstView]
    totals: list[TotalView]
    uncertain: list[EntryView]
    per_stage_kind: dict[str, dict[str, int]]
    kind_labels: dict[str, str]
    timeline: list[TimelineItem]
    entry_count: int
    sources: list[str] = field(default_factory=list)


def format_number(value: Decimal | int) -> str:
    """Integers without decimals, thousands grouped: 29, 13,000, 1.5."""
    dec = Decimal(value)
    if dec == dec.to_integral_value():
        return f"{int(dec):,}"
    return f"{dec.normalize():f}"


def format_reported(value: Decimal, qualifier: str) -> str:
    """Large counts in 万 as Chinese reports write them: 13000+余 → 1.3万余, 600000 → 60余万."""
    if value >= 10000:
        wan = (value / 10000).normalize()
        wan_text = f"{wan:f}"
        if value % 10000 == 0:
            return f"{wan_text}{qualifier}万"
        return f"{wan_text}万{qualifier}"
    return f"{format_number(value)}{qualifier}"
