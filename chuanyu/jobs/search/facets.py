"""Facet counts. Each facet is counted with every active filter except its own, so the count
shown beside a value is exactly the total that choosing that value gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import tantivy

from chuanyu import divisions
from chuanyu.jobs import reference
from chuanyu.jobs.enums import (
    EDUCATION_LABELS,
    EXPERIENCE_LABELS,
    RECENCY_DAYS,
    SALARY_BANDS,
    Education,
    Experience,
)
from chuanyu.jobs.search.base import FacetValue, SearchRequest
from chuanyu.jobs.search.query import Match, combine, filter_queries, region_field

ORIGIN_LABELS = {"CQ": "重庆", "SC": "四川"}
# Facet name -> (index field, filter attribute of SearchRequest).
TERM_FACETS: dict[str, str] = {
    "industry": "industry",
    "salary_band": "band",
    "education": "education",
    "experience": "experience",
    "origin": "origin",
}


def _terms(field: str, size: int = 400) -> dict[str, Any]:
    return {"terms": {"field": field, "size": size}}


def _recency_agg(now: datetime) -> dict[str, Any]:
    bounds = [int((now - timedelta(days=d)).timestamp()) for d in RECENCY_DAYS]
    ranges: list[dict[str, int]] = [{"from": bounds[0]}]
    ranges += [{"from": lo, "to": hi} for hi, lo in zip(bounds, bounds[1:], strict=False)]
    return {"range": {"field": "published", "ranges": ranges}}


def _buckets(result: dict[str, Any], name: str) -> dict[str, int]:
    return {str(b["key"]): int(b["doc_count"]) for b in result.get(name, {}).get("buckets", [])}


def _region_children_field(code: str) -> str | None:
    field = region_field(code)
    if field == "province":
        # Chongqing has no prefecture level: its districts come straight after the province.
        return "city" if code == "510000" else "district"
    return "district" if field == "city" else None


def passes(
    schema: tantivy.Schema, req: SearchRequest, match: Match | None
) -> list[tuple[tantivy.Query, dict[str, Any]]]:
    """The aggregation passes that count every facet: one with all active filters for the
    facets not filtered on, and one per active filter without it, for its own counts."""
    now = req.now or datetime.now(UTC)
    active = {
        "region": req.region,
        "industry": req.industry,
        "salary_band": req.salary_band,
        "education": req.education,
        "experience": req.experience,
        "recency": req.recency_days,
        "origin": req.origin,
    }
    base_aggs: dict[str, Any] = {}
    own: dict[str, dict[str, Any]] = {}
    for name, field in [*TERM_FACETS.items(), ("region", "province"), ("recency", "published")]:
        agg = _recency_agg(now) if name == "recency" else _terms(field)
        if active[name] is None or active[name] == "":
            base_aggs[name] = agg
        else:
            own[name] = {name: agg}
    children_field = _region_children_field(req.region) if req.region else None
    if children_field:
        base_aggs["region_children"] = _terms(children_field)
    out = []
    if base_aggs:
        out.append((combine(match, [], filter_queries(schema, req)), base_aggs))
    for name, aggs in own.items():
        out.append((combine(match, [], filter_queries(schema, req, exclude=name)), aggs))
    return out


def label(results: dict[str, Any], req: SearchRequest) -> dict[str, list[FacetValue]]:
    """Facet values with labels and counts, from the aggregation results of `passes`."""
    out: dict[str, list[FacetValue]] = {}
    region = [
        FacetValue(code, divisions.name(code), n, code == req.region)
        for code, n in _buckets(results, "region").items()
    ]
    children = [
        FacetValue(code, divisions.name(code), n, False)
        for code, n in _buckets(results, "region_children").items()
    ]
    out["region"] = sorted(region, key=lambda f: f.value)
    out["region_children"] = sorted(children, key=lambda f: -f.count)
    industry = _buckets(results, "industry")
    out["industry"] = [
        FacetValue(k, reference.INDUSTRY_SECTIONS.get(k, k), n, k == req.industry)
        for k, n in sorted(industry.items())
    ]
    bands = _buckets(results, "salary_band")
    out["salary_band"] = [
        FacetValue(str(i), label, bands[str(i)], i == req.salary_band)
        for i, (_floor, label) in enumerate(SALARY_BANDS)
        if str(i) in bands
    ]
    for name, labels in (("education", EDUCATION_LABELS), ("experience", EXPERIENCE_LABELS)):
        counts = _buckets(results, name)
        chosen = getattr(req, name)
        values: list[Education] | list[Experience] = list(labels)  # type: ignore[assignment]
        out[name] = [
            FacetValue(v.value, labels[v], counts[v.value], v.value == chosen)  # type: ignore[index]
            for v in values
            if v.value in counts
        ]
    origin = _buckets(results, "origin")
    out["origin"] = [
        FacetValue(k, ORIGIN_LABELS.get(k, k), n, k == req.origin)
        for k, n in sorted(origin.items())
    ]
    now = req.now or datetime.now(UTC)
    by_floor = {
        int(b["from"]): int(b["doc_count"])
        for b in results.get("recency", {}).get("buckets", [])
        if b.get("from") is not None
    }
    running = 0
    recency = []
    for days in RECENCY_DAYS:
        running += by_floor.get(int((now - timedelta(days=days)).timestamp()), 0)
        recency.append(FacetValue(str(days), f"{days}天内", running, days == req.recency_days))
    out["recency"] = recency
    return out
