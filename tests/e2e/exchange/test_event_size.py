"""A valid import of long postings never blocks its stream: events and batches are sized in
bytes against the limit the receiving node publishes.

500 postings with 3,996-character descriptions once became one 6 MB event that SC refused
(413, limit 4 MiB) on every attempt, with every later event waiting behind it.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import func, select

from chuanyu.core import clock
from chuanyu.exchange.builtin import PROBE_STREAM
from chuanyu.exchange.models import Delivery, OutboxEvent, ProbeEvent
from chuanyu.exchange.outbox import publish
from chuanyu.jobs import events, files
from chuanyu.jobs.generate import Generator
from chuanyu.jobs.models import Posting
from tests.support.nodes import LiveFederation

DESCRIPTION_CHARS = 3996  # the schema allows 4,000
LIMIT = 4 * 1024 * 1024


def _long_rows(count: int) -> list[dict[str, Any]]:
    """CQ postings in the import layout, each with a description near the schema's maximum."""
    gen = Generator(seed=23, as_of=clock.today())
    emps = gen.employers(40)
    text = ("负责数控机床的操作、调试与日常保养，严格执行安全生产规程。" * 200)[:DESCRIPTION_CHARS]
    out: list[dict[str, Any]] = []
    for p in gen.postings(emps, count * 4):
        if p.division_code.startswith("50") and len(out) < count:
            row = {k: events.plain(v) for k, v in files.record_of(p).items()}
            out.append({**row, "description": text, "status": "open"})
    return out


def test_an_import_larger_than_the_peer_limit_reaches_it_and_later_events_follow(
        live_nodes: LiveFederation) -> None:
    cq, sc = live_nodes.cq, live_nodes.sc
    rows = _long_rows(500)
    assert len(rows) == 500
    assert len(json.dumps(rows, ensure_ascii=False).encode()) > LIMIT * 1.4
    with cq.session() as session:
        before = session.scalar(select(func.count()).select_from(OutboxEvent)) or 0
    r = httpx.post(f"{cq.url}/api/jobs/import", json={"rows": rows},
                   headers=cq.headers("hr_officer"), timeout=300)
    assert r.status_code == 200, r.text
    with cq.session() as session:
        published = (session.scalar(select(func.count()).select_from(OutboxEvent)) or 0) - before
        publish(
            session=session,
            stream=PROBE_STREAM,
            event_type="probe",
            payload={"note": "after the long import"},
        )

    def arrived() -> bool:
        with sc.session() as session:
            probe = session.scalar(select(ProbeEvent).where(
                ProbeEvent.producer == "CQ", ProbeEvent.note == "after the long import"))
            postings = session.scalar(select(func.count()).select_from(Posting).where(
                Posting.id.in_([row["id"] for row in rows])))
        return probe is not None and postings == len(rows)

    live_nodes.wait_until(arrived, timeout=90, message="the import and the probe on SC")
    with cq.session() as session:
        delivery = session.get(Delivery, ("SC", "jobs.postings"))
        assert delivery is not None and delivery.last_error is None
    assert published > 1, "the producer splits a large import into several events"
