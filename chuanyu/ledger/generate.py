"""A generated ledger of any size, for benchmarks and load tests (deterministic by seed)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from chuanyu import divisions
from chuanyu.ledger import parties
from chuanyu.ledger.enums import EntryKind, MeetingKind, ServiceKind
from chuanyu.ledger.schemas import EntryCreate

START = date(2020, 1, 6)
SPAN_DAYS = 900
TITLES = {
    EntryKind.AGREEMENT: "合作协议",
    EntryKind.MEETING: "联席会议",
    EntryKind.PROJECT_LIST: "合作项目清单",
    EntryKind.PERSONNEL_EXCHANGE: "干部互派",
    EntryKind.SERVICE_OPENED: "联合服务开通",
    EntryKind.ENFORCEMENT: "联合执法成效",
    EntryKind.DOCUMENTS: "联合印发文件",
}


def _pool() -> dict[str, list[str]]:
    on = date(2020, 7, 8)
    units = divisions.all_divisions(on)
    return {
        "cq": [d.code for d in units if d.region == "CQ" and d.level == "county"],
        "sc_city": [d.code for d in units if d.level == "prefecture"],
        "sc_county": [d.code for d in units if d.region == "SC" and d.level == "county"],
        "bodies": list(parties.bodies()),
    }


def generate_entries(count: int, *, seed: int = 2020) -> Iterator[EntryCreate]:
    """`count` valid entries with mixed kinds, parties and date precisions."""
    rng = random.Random(seed)
    pool = _pool()
    kinds = list(EntryKind)
    for i in range(count):
        kind = rng.choice(kinds)
        when = START + timedelta(days=rng.randrange(SPAN_DAYS))
        roll = rng.random()
        text = when.isoformat() if roll < 0.7 else (when.strftime("%Y-%m") if roll < 0.9 else "")
        codes = [rng.choice(pool["cq"]), rng.choice(pool["sc_city"] + pool["sc_county"])]
        if rng.random() < 0.2:
            codes = rng.sample(pool["bodies"], 2)
        detail: dict[str, str] = {}
        if kind == EntryKind.MEETING:
            detail["meeting_kind"] = rng.choice(list(MeetingKind))
        if kind == EntryKind.SERVICE_OPENED:
            detail["service_kind"] = rng.choice(list(ServiceKind))
        names = "与".join(parties.get(c).name for c in codes)
        yield EntryCreate(
            id=f"gen-{seed}-{i:06d}",
            kind=kind,
            title=f"{names}{TITLES[kind]}（{i + 1}）",
            summary="生成的台账事项，用于容量与性能测试。",
            date=text,
            stage=rng.choice((1, 2, 3)) if not text and rng.random() < 0.5 else None,
            no_later_than=date(2022, 12, 31) if not text or len(text) == 7 else None,
            parties=codes,
            detail=detail,
            metrics={"items": Decimal(rng.randrange(1, 60))} if rng.random() < 0.4 else {},
            tags=[rng.choice(("交通", "生态", "产业", "政务服务", "人才", "公安"))],
            source="生成数据",
        )
