"""The report for machines: firsts and totals as JSON."""

from __future__ import annotations

import json
from typing import Any

from chuanyu.ledger.reports.build import total_value
from chuanyu.ledger.reports.document import Statement
from chuanyu.ledger.reports.model import EntryView, Report


def _statement(s: Statement) -> dict[str, Any]:
    return {"text": s.text, "lines": [s.first_line, s.last_line]}


def _document(report: Report) -> dict[str, Any] | None:
    doc = report.document
    if doc is None:
        return None
    return {
        "title": _statement(doc.title),
        "issuer": doc.issuer,
        "source_file": doc.source_file,
        "introduction": [_statement(s) for s in doc.introduction],
        "resolution": _statement(doc.resolution),
    }


def _entry(view: EntryView | None) -> dict[str, Any] | None:
    if view is None:
        return None
    return {
        "id": view.id,
        "kind": view.kind,
        "title": view.title,
        "date": view.date or None,
        "date_label": view.date_label,
        "stage": view.stage,
        "parties": [p.code for p in view.parties],
        "figures": {f.key: total_value(f.value) for f in view.figures},
    }


def report_dict(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data."""
    return {
        "title": report.title,
        "as_of": report.as_of.isoformat(),
        "exported_by": report.exported_by,
        "first_count": report.first_count,
        "entry_count": report.entry_count,
        "document": _document(report),
        "stages": [
            {
                "number": s.number,
                "name": s.name,
                "start": s.start.isoformat(),
                "end": s.end.isoformat() if s.end else None,
                "entries": s.entries,
                "source_name": _statement(s.text.name) if s.text else None,
                "source_span": _statement(s.text.span) if s.text else None,
                "narrative": [_statement(n) for n in s.text.narrative] if s.text else [],
            }
            for s in report.stages
        ],
        "firsts": [
            {
                "category": f.category,
                "title": f.title,
                "status": f.status,
                "entry_id": f.entry.id if f.entry else None,
                "entry_title": f.entry.title if f.entry else None,
                "date": (f.entry.date or None) if f.entry else None,
                "stage": f.entry.stage if f.entry else None,
                "entry": _entry(f.entry),
                "candidates": [c.id for c in f.candidates],
                "candidate_count": f.candidate_count,
                "related": [_entry(r) for r in f.related],
                "statements": [_statement(s) for s in f.statements],
            }
            for f in report.firsts
        ],
        "totals": [
            {
                "metric": t.metric,
                "label": t.label,
                "unit": t.unit,
                "ledger_count": total_value(t.ledger),
                "reported_value": total_value(t.reported),
                "reported_qualifier": t.qualifier,
                "reported_as_of": t.reported_as_of.isoformat() if t.reported_as_of else None,
                "reported_when": t.when or None,
                "live_count": t.live,
                "reconciliation": t.reconciliation,
            }
            for t in report.totals
        ],
        "entries_per_stage_and_kind": report.per_stage_kind,
        "uncertain": [_entry(u) for u in report.uncertain],
        "timeline": [
            {"label": t.label, "start": t.start.isoformat(), "end": t.end.isoformat()}
            for t in report.timeline
        ],
        "undated": [{"label": u.label, "stage": u.stage_name} for u in report.undated],
    }


def render_json(report: Report) -> bytes:
    """UTF-8 JSON of `report_dict`."""
    return json.dumps(report_dict(report), ensure_ascii=False, indent=2).encode("utf-8")
