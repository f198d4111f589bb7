"""The report as plain data: every output format (html, pdf, md, xlsx, json) renders this."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from chuanyu.ledger.reports.document import SourceDocument, StageText, Statement


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
    when: str = ""

    @property
    def reported_text(self) -> str:
        """The published figure the way the source writes it (1.3万余, 60余万, 85)."""
        if self.reported is None:
            return "—"
        return format_reported(self.reported, self.qualifier) + self.unit

    @property
    def reconciliation(self) -> str:
        """The ledger's own count beside the published total (they measure different things)."""
        if self.ledger is None and self.reported is None:
            return "—"
        if self.ledger is None:
            return f"台账未逐条记录（公布总数 {self.reported_text}）"
        if self.reported is None:
            return f"台账逐条记录 {format_number(self.ledger)} 条"
        return f"台账逐条记录 {format_number(self.ledger)} 条（公布总数 {self.reported_text}）"


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
    statements: list[Statement] = field(default_factory=list)


@dataclass(slots=True)
class StageView:
    """A stage with its date range and how many entries fall in it."""

    number: int
    name: str
    start: date
    end: date | None
    description: str
    entries: int
    text: StageText | None = None


@dataclass(slots=True)
class TimelineItem:
    """A first on the timeline: the days it may have happened on (clamped to the period)."""

    label: str
    start: date
    end: date
    exact: bool
    dated: bool = True
    stage_name: str = ""


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
    first_count: int = 0
    period_start: date | None = None
    undated: list[TimelineItem] = field(default_factory=list)
    document: SourceDocument | None = None
    exported_by: str = ""


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


_DIGITS = "〇一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """Section numbers as official documents write them: 1 → 一, 12 → 十二, 20 → 二十."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "十" if tens == 1 else _DIGITS[tens] + "十"
    return head + (_DIGITS[ones] if ones else "")


def chinese_date(day: date) -> str:
    """A date as written in the body of a document: 2020年7月8日."""
    return f"{day.year}年{day.month}月{day.day}日"
