"""Service-window benchmark: due-date arithmetic, window intake, queues, and applying transfers.

One CQ node and one SC node on SQLite in a temporary folder. The CQ window receives
WINDOW_BENCH_CASES applications (default 2000) for an SC matter, each with two small files, one
transaction per case; the SC node then applies the transferred cases from CQ's outbox through its
inbox (as the relay would deliver them, without the HTTP hop). Then CQ holds a ledger of 10,000
entries and the intake is timed again while its report renders as a PDF (bench/render_load.py).
Writes bench/results/window.json.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from stdnum.cn import ric  # noqa: E402

from bench import render_load  # noqa: E402
from bench.common import machine, summary_ms, write  # noqa: E402
from chuanyu import domains  # noqa: E402
from chuanyu.core import clock  # noqa: E402
from chuanyu.core.config import Settings  # noqa: E402
from chuanyu.core.db import write_scope  # noqa: E402
from chuanyu.core.schemas import UserRead  # noqa: E402
from chuanyu.exchange import federation, inbox  # noqa: E402
from chuanyu.exchange.models import OutboxEvent  # noqa: E402
from chuanyu.exchange.registry import SERVICES, STREAMS  # noqa: E402
from chuanyu.node import Node, open_node  # noqa: E402
from chuanyu.window.catalogue import starter_catalogue  # noqa: E402
from chuanyu.window.schemas import CaseCreate, MaterialIn, UploadIn  # noqa: E402
from chuanyu.window.service import catalogue as catalogue_service  # noqa: E402
from chuanyu.window.service import escalations, list_cases, receive  # noqa: E402
from chuanyu.window.service.events import INTAKE_STREAM  # noqa: E402
from chuanyu.window.workdays import WorkdayCalendar  # noqa: E402

console = Console(stderr=True)
CASES = int(os.environ.get("WINDOW_BENCH_CASES", "2000"))
# Intakes measured idle and again while the 10,000-entry ledger PDF renders (0: skip).
RENDER_INTAKES = int(os.environ.get("WINDOW_BENCH_RENDER_INTAKES", "200"))
DUE_OPS = 20_000
PDF = b"%PDF-1.4\n" + b"0" * 20_000
CLERK = UserRead(
    id=0, username="bench-clerk", display_name="bench", roles=["window_clerk"], member="CQ"
)
SC_REGISTRAR = UserRead(
    id=0, username="bench-registrar", display_name="bench", roles=["registrar"], member="SC"
)


def bench_due_dates() -> dict[str, object]:
    rng = random.Random(1)
    cal = WorkdayCalendar()
    days = (date(2026, 12, 1) - date(2020, 1, 1)).days
    samples = [
        (date(2020, 1, 1) + timedelta(days=rng.randrange(days)), rng.choice((1, 3, 5, 20)))
        for _ in range(DUE_OPS)
    ]
    started = time.perf_counter()
    for day, limit in samples:
        cal.add_workdays(day, limit)
    elapsed = time.perf_counter() - started
    return {
        "operations": DUE_OPS,
        "per_second": round(DUE_OPS / elapsed),
        "mean_us": round(elapsed / DUE_OPS * 1e6, 2),
    }


def resident_id(rng: random.Random) -> str:
    body = f"500106{rng.randint(1998, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body += f"{rng.randint(0, 999):03d}"
    return body + ric.calc_check_digit(body + "0")


def intake_one(cq: Node, rng: random.Random, i: int) -> None:
    """Receive one application for an SC matter with two small files (one unit of work)."""
    data = CaseCreate(
        matter_code="SC-RS-001",
        authority_member="SC",
        applicant={"name": "测试申请人", "id_number": resident_id(rng)},
        materials=[MaterialIn(code="id_card", original_sighted=True)],
    )
    uploads = [
        UploadIn(
            material_code=c,
            filename=f"{c}.pdf",
            content_type="application/pdf",
            content=PDF + str(i).encode(),
        )
        for c in ("id_card", "application_form")
    ]
    with write_scope(cq) as session:
        receive(session=session, node=cq, user=CLERK, data=data, uploads=uploads)


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-window-"))
    domains.load_handlers()
    fed = root / "federation"
    federation.init(
        fed,
        services={m: sorted(SERVICES) for m in ("CQ", "SC")},
        streams={m: sorted(STREAMS) for m in ("CQ", "SC")},
    )
    nodes = {
        m: open_node(Settings(member=m, var_dir=root, federation_dir=fed, relay_enabled=False))
        for m in ("CQ", "SC")
    }
    cq, sc = nodes["CQ"], nodes["SC"]
    console.print(f"nodes on SQLite in {root}")
    result: dict[str, object] = {"machine": machine(), "cases": CASES}
    result["due_dates"] = bench_due_dates()

    with write_scope(sc) as session:
        catalogue_service.load_catalogue(
            session=session, node=sc, catalogue=starter_catalogue("SC")
        )
    with write_scope(cq) as session:
        catalogue_service.load_catalogue(
            session=session, node=cq, catalogue=starter_catalogue("CQ")
        )
        catalogue_service.seed_peer_copy(session=session, peer="SC")

    rng = random.Random(2)
    start = date(2020, 9, 1)
    latencies: list[float] = []
    with Progress(console=console) as progress:
        task = progress.add_task("window intake (CQ)", total=CASES)
        for i in range(CASES):
            day = start + timedelta(days=i * 60 // CASES)
            began = time.perf_counter()
            with clock.freeze(datetime(day.year, day.month, day.day, 2, tzinfo=UTC)):
                intake_one(cq, rng, i)
            latencies.append(time.perf_counter() - began)
            progress.advance(task)
    total = sum(latencies)
    result["intake"] = {"cases_per_second": round(CASES / total, 1), **summary_ms(latencies)}

    if RENDER_INTAKES:
        console.print(f"ledger of {render_load.ENTRIES:,} entries on CQ; intakes during its PDF …")
        render_load.load_ledger(cq)
        during = render_load.measure(cq, lambda i: intake_one(cq, rng, CASES + i), RENDER_INTAKES)
        result["intake_during_pdf"] = during
        result["intake_idle_p99_ms"] = during["idle"]["p99_ms"]
        result["intake_during_pdf_p99_ms"] = during["render_other_process"]["p99_ms"]
        result["intake_during_pdf_same_process_p99_ms"] = during["render_same_process"]["p99_ms"]
        result["intake_during_pdf_p99_within_2x_idle"] = during["target_p99_within_2x_idle"]

    today = start + timedelta(days=45)
    for name, run in (
        ("escalations", lambda s: escalations(session=s, node=cq, today=today)),
        ("queue_page_50", lambda s: list_cases(session=s, node=cq, user=CLERK, limit=50)),
    ):
        times = []
        with clock.freeze(datetime(today.year, today.month, today.day, 2, tzinfo=UTC)):
            for _ in range(20):
                with cq.sessions() as session:
                    began = time.perf_counter()
                    rows = run(session)
                    times.append(time.perf_counter() - began)
        count = len(rows) if isinstance(rows, list) else rows.total
        result[name] = {"rows": count, **summary_ms(times)}

    with cq.sessions() as session:
        events = [
            inbox.IncomingEvent(r.seq, r.event_type, r.payload, r.digest)
            for r in session.scalars(
                select(OutboxEvent)
                .where(OutboxEvent.stream == INTAKE_STREAM)
                .order_by(OutboxEvent.seq)
            )
        ]
    began = time.perf_counter()
    with Progress(console=console) as progress:
        task = progress.add_task("apply transfers (SC)", total=len(events))
        for i in range(0, len(events), 100):
            batch = events[i : i + 100]
            with write_scope(sc) as session:
                outcome = inbox.apply_batch(
                    session=session, node=sc, producer="CQ", stream=INTAKE_STREAM, events=batch
                )
                assert outcome.error is None, outcome.error
            progress.advance(task, len(batch))
    elapsed = time.perf_counter() - began
    result["apply_transfers"] = {
        "events": len(events),
        "events_per_second": round(len(events) / elapsed, 1),
    }
    for node in nodes.values():
        node.close()
    path = write("window", result)
    console.print(f"wrote {path}")
    console.print_json(data=result)


if __name__ == "__main__":
    main()
