"""Durable delivery across crashes: SC is SIGKILLed three times and CQ once during 10,000 events."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from chuanyu.exchange.builtin import PROBE_STREAM
from chuanyu.exchange.models import ProbeEvent
from chuanyu.exchange.outbox import publish
from tests.support.nodes import LiveFederation, wait_until

TOTAL = 10_000
CHUNK = 100


@pytest.fixture
def federation_pair(tmp_path: Path) -> Iterator[LiveFederation]:
    fed = LiveFederation(tmp_path, extra_env={"CHUANYU_RELAY_MAX_BACKOFF_S": "1.0",
                                              "CHUANYU_RELAY_POLL_S": "0.05"})
    try:
        fed.start()
        yield fed
    finally:
        fed.stop()


def _applied(fed: LiveFederation) -> int:
    with fed.sc.session() as session:
        return session.scalar(select(func.count()).select_from(ProbeEvent)) or 0


@pytest.mark.slow
def test_every_event_arrives_once_and_in_order_despite_crashes(
    federation_pair: LiveFederation,
) -> None:
    fed = federation_pair
    kill_sc_at = {20, 45, 75}  # chunks after which SC is killed, then restarted 5 chunks later
    restart_sc_at = {k + 5 for k in kill_sc_at}
    kills = 0
    for chunk in range(TOTAL // CHUNK):
        with fed.cq.session() as session:
            for i in range(CHUNK):
                publish(
                    session=session,
                    stream=PROBE_STREAM,
                    event_type="probe",
                    payload={"note": f"{chunk}:{i}"},
                )
        if chunk in kill_sc_at:
            fed.sc.kill()
            fed.sc.stop()  # releases the test's own handle on SC's database
            kills += 1
        if chunk in restart_sc_at:
            fed.sc.start()
        if chunk == 60:
            fed.cq.kill()
            fed.cq.start()
    assert kills == 3
    wait_until(lambda: _applied(fed) >= TOTAL, timeout=300, message="all 10,000 events on SC")
    with fed.sc.session() as session:
        seqs = list(session.scalars(select(ProbeEvent.seq).where(ProbeEvent.producer == "CQ")
                                    .order_by(ProbeEvent.id)))
        notes = list(session.scalars(select(ProbeEvent.note).order_by(ProbeEvent.id)))
    assert seqs == list(range(1, TOTAL + 1)), "events applied out of order or twice"
    assert notes[:2] == ["0:0", "0:1"] and notes[-1] == f"{TOTAL // CHUNK - 1}:{CHUNK - 1}"
    for node in (fed.cq, fed.sc):
        assert "intact" in node.cli("audit", "verify").stdout
