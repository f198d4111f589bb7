"""Stages, categories of firsts and running-total rules, read from `data/catalog.yaml`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from chuanyu.ledger.rules import Category, MetricRule, PartyClass, Stage
from chuanyu.ledger.yamlio import load_yaml

# Labels and units of the free metrics an entry may carry.
ENTRY_METRICS: dict[str, tuple[str, str]] = {
    "agreements": ("协议", "份"),
    "documents": ("文件", "份"),
    "areas": ("合作领域/方面", "个"),
    "items": ("具体事项", "条"),
    "projects": ("重大合作项目", "个"),
    "participants": ("参会区县", "个"),
    "length_km": ("线路全长", "公里"),
    "duration_hours": ("运行时间", "小时"),
    "headcount": ("人数", "名"),
    "joint_operations": ("互助协作办案", "次"),
    "suspects_caught": ("抓捕嫌疑人", "人"),
    "cases_solved": ("协助破案", "起"),
}


@dataclass(frozen=True, slots=True)
class Catalog:
    """Everything the report needs besides the entries and figures themselves."""

    stages: tuple[Stage, ...]
    categories: tuple[Category, ...]
    metrics: tuple[MetricRule, ...]

    @property
    def category_map(self) -> dict[str, Category]:
        """Categories by key."""
        return {c.key: c for c in self.categories}

    @property
    def metric_map(self) -> dict[str, MetricRule]:
        """Metric rules by metric name."""
        return {m.metric: m for m in self.metrics}

    def stage_name(self, number: int | None) -> str:
        """Stage name, or 阶段未注明."""
        for stage in self.stages:
            if stage.number == number:
                return stage.name
        return "阶段未注明"


def _party_class(raw: dict[str, Any]) -> PartyClass:
    levels = raw.get("levels")
    return PartyClass(
        region=raw.get("region"),
        levels=tuple(levels) if levels else None,
        border=raw.get("border"),
    )


def parse_catalog(raw: dict[str, Any]) -> Catalog:
    """Build a catalog from its YAML structure."""
    stages = tuple(
        Stage(
            number=int(s["number"]),
            name=s["name"],
            start=s["start"] if isinstance(s["start"], date) else date.fromisoformat(s["start"]),
            description=s.get("description", ""),
        )
        for s in raw["stages"]
    )
    categories = tuple(
        Category(
            key=c["key"],
            title=c["title"],
            kind=c["kind"],
            detail=dict(c.get("detail") or {}),
            require=tuple(_party_class(p) for p in c.get("require") or ()),
            only=bool(c.get("only", False)),
            min_parties=int(c.get("min_parties", 0)),
            description=c.get("description", ""),
        )
        for c in raw["categories"]
    )
    metrics = tuple(
        MetricRule(
            metric=m["metric"],
            label=m["label"],
            unit=m.get("unit", ""),
            category=m.get("category"),
            sum_metric=m.get("sum_metric"),
            default=Decimal(str(m.get("default", 1))),
            shown_with=m.get("shown_with", m.get("category")),
        )
        for m in raw["metrics"]
    )
    return Catalog(stages=stages, categories=categories, metrics=metrics)


def load_catalog(path: Path | None = None) -> Catalog:
    """The catalog from a YAML file (default: the shipped one)."""
    if path is None:
        return default_catalog()
    return parse_catalog(load_yaml(path.read_text("utf-8")))


@cache
def default_catalog() -> Catalog:
    """The shipped catalog: the seed's three stages, fourteen categories and totals."""
    text = resources.files("chuanyu.ledger").joinpath("data", "catalog.yaml").read_text("utf-8")
    return parse_catalog(load_yaml(text))
