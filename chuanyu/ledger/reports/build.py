"""Building the report data from entries, reported figures and the catalog (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from chuanyu.ledger import rules
from chuanyu.ledger.catalogue import ENTRY_METRICS, Catalog
from chuanyu.ledger.enums import KIND_LABELS, EntryStatus, FirstStatus
from chuanyu.ledger.reports.document import SourceDocument, seed_document
from chuanyu.ledger.reports.model import (
    EntryView,
    FigureView,
    FirstView,
    PartyView,
    Report,
    StageView,
    TimelineItem,
    TotalView,
)
from chuanyu.ledger.rules import EntryFacts, Figure, MetricRule

STATUS_LABELS = {
    FirstStatus.CERTAIN: "确定",
    FirstStatus.TIE: "同日并列，无法区分先后",
    FirstStatus.UNCERTAIN: "日期不足，无法确定先后",
    FirstStatus.NONE: "截至该日尚无记录",
}
LIST_LABELS = {
    "documents": "文件",
    "areas": "合作领域/方面",
    "locations": "地点",
    "industries": "涉及行业",
}
UNSTAGED = "阶段未注明"
# How a source words a figure it does not date ("截至目前…"): shown as worded, without a date.
UNDATED_WORDINGS = frozenset({"截至目前", "目前"})
# A first that cannot be told shows at most this many candidates (and how many there are).
MAX_CANDIDATES = 20


def _list_label(key: str, note: object) -> str:
    return f"{LIST_LABELS[key]}（{note}）" if note else LIST_LABELS[key]


def _when(fig: Figure) -> str:
    """When the source says the figure stood: its own wording, else the as-of day."""
    return fig.note or f"截至{fig.as_of.month}月{fig.as_of.day}日"


def entry_view(entry: EntryFacts, catalog: Catalog) -> EntryView:
    """How an entry is shown."""
    figures = []
    # Catalog order, not storage order: a replica's JSON may hold the keys in another order.
    order = {key: i for i, key in enumerate(ENTRY_METRICS)}
    for key, value in sorted(entry.metrics.items(), key=lambda kv: (order.get(kv[0], 99), kv[0])):
        label, unit = ENTRY_METRICS.get(key, (key, ""))
        figures.append(FigureView(key, label, value, unit, entry.qualifiers.get(key, "")))
    lists = {
        _list_label(k, entry.detail.get(f"{k}_note")): [str(v) for v in entry.detail[k]]
        for k in LIST_LABELS
        if isinstance(entry.detail.get(k), list)
    }
    stage = rules.stage_of(entry, catalog.stages)
    return EntryView(
        id=entry.id,
        kind=entry.kind,
        kind_label=KIND_LABELS.get(entry.kind, entry.kind),
        title=entry.title,
        summary=entry.summary,
        date=entry.date.iso(),
        date_label=entry.date.label(),
        stage=stage,
        stage_name=catalog.stage_name(stage),
        status=entry.status,
        parties=[PartyView(p.code, p.label, p.region, p.level) for p in entry.parties],
        figures=figures,
        lists=lists,
        source=entry.source,
        owner=entry.owner,
    )


def _totals(
    catalog: Catalog,
    entries: Sequence[EntryFacts],
    figures: Sequence[Figure],
    as_of: date,
    live: Mapping[str, int],
) -> list[TotalView]:
    published = rules.latest_figures(figures, as_of)
    grouped = rules.by_kinds(entries)

    def _of_kind(rule: MetricRule) -> Sequence[EntryFacts]:
        if rule.category is None:
            return ()
        return grouped.get(catalog.category_map[rule.category].kind, ())

    rows = []
    for rule in catalog.metrics:
        fig = published.get(rule.metric)
        rows.append(
            TotalView(
                metric=rule.metric,
                label=rule.label,
                unit=rule.unit,
                reported=fig.value if fig else None,
                qualifier=fig.qualifier if fig else "",
                reported_as_of=fig.as_of if fig and fig.note not in UNDATED_WORDINGS else None,
                source=fig.source if fig else "",
                ledger=rules.ledger_value(
                    rule, catalog.category_map, _of_kind(rule), catalog.stages, as_of
                ),
                live=live.get(rule.metric),
                shown_with=rule.shown_with,
                when=_when(fig) if fig else "",
            )
        )
    return rows


def _stages(
    catalog: Catalog,
    per_stage: Mapping[int | None, int],
    as_of: date,
    document: SourceDocument | None,
) -> list[StageView]:
    views = []
    for stage in sorted(catalog.stages, key=lambda s: s.start):
        if stage.start > as_of:
            continue
        start, end = rules.stage_bounds(catalog.stages, stage.number)
        views.append(
            StageView(
                number=stage.number,
                name=stage.name,
                start=start,
                end=None if end == rules.LATEST else end,
                description=stage.description,
                entries=per_stage.get(stage.number, 0),
                text=document.stage(stage.number) if document else None,
            )
        )
    return views


def _timeline(
    firsts: Sequence[rules.First], catalog: Catalog, floor: date, as_of: date
) -> tuple[list[TimelineItem], list[TimelineItem]]:
    """Firsts with a recorded date (clamped to the period) and those without one."""
    dated: list[TimelineItem] = []
    undated: list[TimelineItem] = []
    for first in firsts:
        if first.entry is None:
            continue
        lo, hi = rules.interval(first.entry, catalog.stages)
        start, end = min(max(lo, floor), as_of), max(min(hi, as_of), floor)
        has_date = bool(first.entry.date.iso())
        item = TimelineItem(
            label=first.category.title,
            start=start,
            end=max(start, end),
            exact=has_date and lo == hi,
            dated=has_date,
            stage_name=catalog.stage_name(rules.stage_of(first.entry, catalog.stages)),
        )
        (dated if has_date else undated).append(item)
    return dated, undated


def build_report(
    catalog: Catalog,
    entries: Sequence[EntryFacts],
    figures: Sequence[Figure],
    as_of: date,
    live: Mapping[str, int] | None = None,
    title: str | None = None,
    document: SourceDocument | None = None,
    exported_by: str = "",
) -> Report:
    """The "N firsts" report as it stood on `as_of`, with the source report's own text."""
    live = live or {}
    document = document or seed_document()
    derived = rules.firsts(catalog.categories, entries, catalog.stages, as_of)
    totals = _totals(catalog, entries, figures, as_of, live)
    by_group: dict[str, list[EntryFacts]] = {}
    for entry in entries:
        if entry.group:
            by_group.setdefault(entry.group, []).append(entry)
    first_views = []
    for first in derived:
        related: list[EntryView] = []
        if first.entry is not None and first.entry.group:
            related = [
                entry_view(e, catalog)
                for e in by_group[first.entry.group]
                if e.id != first.entry.id
                and (
                    rules.happened_by(e, catalog.stages, as_of)
                    or (e.status == EntryStatus.PLANNED and e.date.bounds()[0] <= as_of)
                )
            ]
        statements = document.entries.get(first.entry.id, ()) if first.entry else ()
        first_views.append(
            FirstView(
                category=first.category.key,
                title=first.category.title,
                status=first.status,
                status_label=STATUS_LABELS[first.status],
                entry=entry_view(first.entry, catalog) if first.entry else None,
                candidates=[entry_view(e, catalog) for e in first.candidates[:MAX_CANDIDATES]],
                candidate_count=len(first.candidates),
                related=related,
                totals=[t for t in totals if t.shown_with == first.category.key],
                statements=list(statements),
            )
        )
    found = sum(1 for f in derived if f.status != FirstStatus.NONE)
    per_stage_kind: dict[str, dict[str, int]] = {}
    per_stage: dict[int | None, int] = {}
    for (stage, kind), count in sorted(
        rules.per_stage_and_kind(entries, catalog.stages, as_of).items(),
        key=lambda kv: (kv[0][0] is None, kv[0][0] or 0, kv[0][1]),
    ):
        per_stage_kind.setdefault(catalog.stage_name(stage), {})[kind] = count
        per_stage[stage] = per_stage.get(stage, 0) + count
    sources = sorted({e.source for e in entries if e.source} | {f.source for f in figures})
    floor = min((s.start for s in catalog.stages), default=as_of)
    dated, undated = _timeline(derived, catalog, floor, as_of)
    return Report(
        title=title or document.title.text,
        as_of=as_of,
        stages=_stages(catalog, per_stage, as_of, document),
        firsts=first_views,
        totals=totals,
        uncertain=[
            entry_view(e, catalog) for e in entries if rules.possibly_by(e, catalog.stages, as_of)
        ],
        per_stage_kind=per_stage_kind,
        kind_labels={str(k): v for k, v in KIND_LABELS.items()},
        timeline=dated,
        entry_count=sum(per_stage.values()),
        sources=[s for s in sources if s],
        first_count=found,
        period_start=min(floor, as_of),
        undated=undated,
        document=document,
        exported_by=exported_by,
    )


def total_value(value: Decimal | None) -> int | float | None:
    """JSON-friendly number."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)
