"""Two live nodes on PostgreSQL (each in a schema of its own): calls, events, audit."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, func, select, text

from chuanyu.exchange.builtin import PROBE_STREAM
from chuanyu.exchange.models import ProbeEvent
from chuanyu.exchange.outbox import publish
from tests.conftest import PG_SKIP_REASON, PG_URL
from tests.support.nodes import LiveFederation, wait_until

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_federation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveFederation]:
    if PG_SKIP_REASON:
        pytest.skip(PG_SKIP_REASON)
    tag = uuid.uuid4().hex[:8]
    fed = LiveFederation(tmp_path_factory.mktemp("pg-live"),
                         extra_env={"CHUANYU_DATABASE_URL": PG_URL})
    schemas = {node.member: f"live_{tag}_{node.member.lower()}" for node in (fed.cq, fed.sc)}
    for node in (fed.cq, fed.sc):
        node.env["CHUANYU_DATABASE_SCHEMA"] = schemas[node.member]
    try:
        fed.start()
        yield fed
    finally:
        fed.stop()
        engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for schema in schemas.values():
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def test_calls_and_events_between_postgresql_nodes(pg_federation: LiveFederation) -> None:
    fed = pg_federation
    assert fed.cq.node.engine.dialect.name == "postgresql"
    assert fed.cq.node.exchange.call("SC", "exchange.ping", {"note": "pg"})["member"] == "SC"
    with fed.cq.session() as session:
        for i in range(2000):
            publish(
                session=session, stream=PROBE_STREAM, event_type="probe", payload={"note": str(i)}
            )

    def applied() -> int:
        with fed.sc.session() as session:
            return session.scalar(select(func.count()).select_from(ProbeEvent)) or 0

    wait_until(lambda: applied() >= 2000, timeout=120, message="2,000 events on SC")
    with fed.sc.session() as session:
        seqs = list(session.scalars(select(ProbeEvent.seq).order_by(ProbeEvent.id)))
    assert seqs == list(range(1, 2001))
    for node in (fed.cq, fed.sc):
        assert "intact" in node.cli("audit", "verify").stdout


def test_nodes_on_postgresql_use_separate_schemas(pg_federation: LiveFederation) -> None:
    cq_schema = pg_federation.cq.settings.database_schema
    sc_schema = pg_federation.sc.settings.database_schema
    assert cq_schema and sc_schema and cq_schema != sc_schema
