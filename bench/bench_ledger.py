"""Ledger benchmark: build the "N firsts" report for the seed and for a generated ledger.

For each ledger (the seed; LEDGER_BENCH_ENTRIES generated entries, default 10,000, plus the
seed) the entries are stored on a CQ node on SQLite, then the report is built from the database
(read every entry, derive firsts and totals) and rendered in each format. The seed is recorded
through the normal service; the generated entries are written with bulk inserts and are not
published to the exchange (what is measured is the report, not recording). Times are the
median of LEDGER_BENCH_REPEAT runs (default 5; PDF: 1 run). Target: html and json under 2 s.
Writes bench/results/ledger.json.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from sqlalchemy import insert
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chuanyu import domains  # noqa: E402
from chuanyu.core.config import Settings  # noqa: E402
from chuanyu.core.db import write_scope  # noqa: E402
from chuanyu.exchange import federation  # noqa: E402
from chuanyu.exchange.registry import SERVICES, STREAMS  # noqa: E402
from chuanyu.ledger.generate import generate_entries  # noqa: E402
from chuanyu.ledger.models import LedgerEntry, LedgerEntryParty, LedgerEntryTag  # noqa: E402
from chuanyu.ledger.reports import FORMATS, render  # noqa: E402
from chuanyu.ledger.rules import FuzzyDate  # noqa: E402
from chuanyu.ledger.schemas import EntryCreate  # noqa: E402
from chuanyu.ledger.service import build_report_for, load_seed  # noqa: E402
from chuanyu.node import Node, open_node  # noqa: E402

console = Console(stderr=True)
AS_OF = date(2020, 7, 8)
LATE_AS_OF = date(2022, 12, 31)
TARGET_S = 2.0


def _median(
    fn: Callable[[], object], repeat: int, clock: Callable[[], float] = time.perf_counter
) -> float:
    times = []
    for _ in range(repeat):
        t0 = clock()
        fn()
        times.append(clock() - t0)
    return round(statistics.median(times), 4)


def _node(root: Path, name: str) -> Node:
    var = root / name
    var.mkdir()
    settings = Settings(member="CQ", var_dir=var, federation_dir=root / "fed", relay_enabled=False)
    return open_node(settings, migrate=True)


def _bulk_insert(session: Session, entries: list[EntryCreate]) -> None:
    if not entries:
        return
    now = datetime.now(UTC)
    rows, party_rows, tag_rows = [], [], []
    for e in entries:
        when = FuzzyDate.parse(e.date)
        rows.append(
            {
                "id": e.id,
                "owner": "CQ",
                "kind": str(e.kind),
                "title": e.title,
                "summary": e.summary,
                "event_date": when.value,
                "date_precision": str(when.precision),
                "stage": e.stage,
                "no_later_than_date": e.no_later_than,
                "status": str(e.status),
                "detail": e.detail,
                "metrics": {k: str(v) for k, v in e.metrics.items()},
                "qualifiers": e.qualifiers,
                "group_key": e.group,
                "source": e.source,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        party_rows += [
            {"entry_id": e.id, "position": i, "party_code": c} for i, c in enumerate(e.parties)
        ]
        tag_rows += [{"entry_id": e.id, "tag": t} for t in dict.fromkeys(e.tags)]
    session.execute(insert(LedgerEntry), rows)
    session.execute(insert(LedgerEntryParty), party_rows)
    session.execute(insert(LedgerEntryTag), tag_rows)


def _measure(node: Node, as_of: date, repeat: int) -> dict[str, object]:
    with node.sessions() as session:
        build = _median(
            lambda: build_report_for(session=session, as_of=as_of, with_live=False), repeat
        )
        build_cpu = _median(
            lambda: build_report_for(session=session, as_of=as_of, with_live=False),
            repeat,
            time.process_time,
        )
        report = build_report_for(session=session, as_of=as_of, with_live=False)
    result: dict[str, object] = {
        "as_of": as_of.isoformat(),
        "build_cpu_s": build_cpu,
        "build_s": build,
        "firsts": sum(1 for f in report.firsts if f.entry),
        "entries_counted": report.entry_count,
    }
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("rendering", total=len(FORMATS))
        for fmt in FORMATS:
            runs = 1 if fmt == "pdf" else repeat
            result[f"render_{fmt}_s"] = _median(lambda f=fmt: render(report, f), runs)
            result[f"total_{fmt}_s"] = round(build + float(result[f"render_{fmt}_s"]), 4)
            result[f"{fmt}_bytes"] = len(render(report, fmt))
            bar.advance(task)
    result["html_json_under_target"] = all(
        float(result[f"total_{f}_s"]) < TARGET_S for f in ("html", "json")
    )
    return result


def main() -> None:
    """Run the benchmark and write bench/results/ledger.json."""
    count = int(os.environ.get("LEDGER_BENCH_ENTRIES", "10000"))
    repeat = int(os.environ.get("LEDGER_BENCH_REPEAT", "5"))
    root = Path(tempfile.mkdtemp(prefix="ledger-bench-"))
    try:
        domains.load_handlers()
        federation.init(
            root / "fed",
            services={m: sorted(SERVICES) for m in ("CQ", "SC")},
            streams={m: sorted(STREAMS) for m in ("CQ", "SC")},
        )
        seed_node = _node(root, "seed")
        with write_scope(seed_node) as session:
            load_seed(session=session, member="CQ")
        console.print("seed ledger loaded; measuring …")
        seed = _measure(seed_node, AS_OF, repeat)
        seed_node.close()

        big_node = _node(root, "big")
        t0 = time.perf_counter()
        with write_scope(big_node) as session, Progress(console=console) as bar:
            load_seed(session=session, member="CQ")
            task = bar.add_task(f"storing {count:,} generated entries", total=count)
            batch: list[EntryCreate] = []
            for entry in generate_entries(count):
                batch.append(entry)
                if len(batch) == 1000:
                    _bulk_insert(session, batch)
                    bar.advance(task, len(batch))
                    batch = []
            _bulk_insert(session, batch)
            bar.advance(task, len(batch))
        load_s = round(time.perf_counter() - t0, 2)
        console.print(f"{count:,} entries stored in {load_s} s; measuring …")
        big = _measure(big_node, LATE_AS_OF, repeat)
        big["entries"] = count + 21
        big["store_s"] = load_s
        big_node.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    results = {
        "benchmark": "ledger",
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        },
        "target_html_json_s": TARGET_S,
        "note": "wall times (*_s) include waiting for a CPU on a shared machine; build_cpu_s "
        "is the process CPU time of the same build",
        "repeat": repeat,
        "seed": seed,
        "generated": big,
    }
    out = ROOT / "bench" / "results" / "ledger.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    console.print_json(data=results)


if __name__ == "__main__":
    main()
