"""The data-use log is complete: N certificate fetches and M window transfers of one person give
exactly N + M entries on their home node, each one of its audit entries (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import create_engine, select, text

from chuanyu.exchange import datalog
from chuanyu.exchange.client import ExchangeRefused
from chuanyu.exchange.models import AuditEntry
from chuanyu.housing_fund.certificate import CertificateRequest
from chuanyu.housing_fund.demo import load_demo
from chuanyu.housing_fund.enums import AccountStatus
from chuanyu.housing_fund.models import Account
from tests.conftest import PG_SKIP_REASON, PG_URL
from tests.e2e.housing_fund.test_home_consent import granted_consent
from tests.support.nodes import LiveFederation

SERVICE = "housing_fund.certificate"
PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql",
                                                                 marks=pytest.mark.postgres)])
def fed(request: pytest.FixtureRequest,
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveFederation]:
    env: dict[str, str] = {}
    schemas: dict[str, str] = {}
    if request.param == "postgresql":
        if PG_SKIP_REASON:
            pytest.skip(PG_SKIP_REASON)
        env["CHUANYU_DATABASE_URL"] = PG_URL
    federation = LiveFederation(tmp_path_factory.mktemp(f"log-{request.param}"), extra_env=env)
    if env:
        tag = uuid.uuid4().hex[:8]
        for node in (federation.cq, federation.sc):
            schemas[node.member] = f"log_{tag}_{node.member.lower()}"
            node.env["CHUANYU_DATABASE_SCHEMA"] = schemas[node.member]
    try:
        federation.start()
        for member in ("CQ", "SC"):
            with federation[member].session() as session:
                load_demo(session, federation[member].node, population=10)
        yield federation
    finally:
        federation.stop()
        if schemas:
            engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                for schema in schemas.values():
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            engine.dispose()


def send_case(fed: LiveFederation, rid: str, name: str) -> str:
    """A case received at CQ's window for an SC authority, filed by the applicant."""
    case = {"matter_code": "SC-YB-001", "authority_member": "SC",
            "applicant": {"name": name, "id_number": rid},
            "materials": [{"code": "id_card", "original_sighted": True},
                          {"code": "filing_form"}]}
    reply = httpx.post(f"{fed.cq.url}/api/window/cases", headers=fed.cq.headers("window_clerk"),
                       files={f"file.{c}": (f"{c}.pdf", PDF + c.encode(), "application/pdf")
                              for c in ("id_card", "filing_form")},
                       data={"case": json.dumps(case, ensure_ascii=False)}, timeout=30)
    assert reply.status_code == 201, reply.text
    number: str = reply.json()["case_number"]
    return number


def test_log_has_one_entry_per_fetch_and_transfer(fed: LiveFederation) -> None:
    for node in (fed.cq, fed.sc):
        loaded = httpx.post(f"{node.url}/api/window/catalogue", headers=node.headers("admin"))
        assert loaded.status_code == 200, loaded.text
    fed.wait_until(lambda: any(m["code"] == "SC-YB-001" for m in httpx.get(
        f"{fed.cq.url}/api/window/matters?member=SC").json()), timeout=30,
        message="SC catalogue at CQ")
    with fed.cq.session() as session:
        account = session.scalars(select(Account).where(
            Account.status == AccountStatus.NORMAL).order_by(Account.id)).first()
        assert account is not None
        rid, name = account.resident_id, account.name

    fetches, cases = 3, 2
    with pytest.raises(ExchangeRefused):  # no consent: refused, and still a use to show
        fed.sc.node.exchange.call("CQ", SERVICE, CertificateRequest(depositor_id=rid))
    for _ in range(fetches - 1):
        consent_id = granted_consent(fed, rid)
        fed.sc.node.exchange.call("CQ", SERVICE, CertificateRequest(
            depositor_id=rid, consent_id=consent_id))
    numbers = [send_case(fed, rid, name) for _ in range(cases)]

    def sent_events() -> list[AuditEntry]:
        with fed.cq.session() as session:
            return list(session.scalars(select(AuditEntry).where(
                AuditEntry.subject == rid, AuditEntry.kind == "event",
                AuditEntry.direction == "out")))

    fed.wait_until(lambda: len(sent_events()) == cases, timeout=60,
                   message="both cases delivered to SC")
    # SC's officer reads one material file: it comes from CQ's window, on the same basis.
    admin = fed.sc.headers("admin")
    there = httpx.get(f"{fed.sc.url}/api/window/cases/{numbers[0]}", headers=admin).json()
    file = next(f for m in there["materials"] for f in m["files"])
    read = httpx.get(f"{fed.sc.url}/api/window/cases/{numbers[0]}/files/{file['id']}",
                     headers=admin, timeout=30)
    assert read.status_code == 200, read.text
    transfers = cases + 1
    with fed.cq.session() as session:
        uses = datalog.uses(session=session, node=fed.cq.node, subject=rid)
        audited = list(session.scalars(select(AuditEntry).where(AuditEntry.subject == rid)
                                       .order_by(AuditEntry.position)))
    leaving = [e for e in audited if (e.kind, e.direction) in (("call", "in"), ("event", "out"))]
    assert len(uses) == fetches + transfers == len(leaving)
    assert [(u.position, u.entry_hash, u.outcome) for u in uses] == [
        (e.position, e.hash, e.outcome) for e in leaving]
    assert [u.service for u in uses].count(SERVICE) == fetches
    assert [u.basis for u in uses if u.service != SERVICE] == ["applicant_request"] * transfers
    assert [u.kind for u in uses if u.service != SERVICE] == ["转交", "转交", "读取"]
    assert [u.outcome for u in uses if u.service == SERVICE] == ["consent_missing", "ok", "ok"]
    assert not uses[0].fields and "balance" in uses[1].fields
    page = httpx.get(f"{fed.cq.url}/housing_fund/data-log.json",
                     headers=fed.cq.headers("citizen", rid)).json()
    assert [u["position"] for u in page["uses"]] == [e.position for e in leaving]
    assert "intact" in fed.cq.cli("audit", "verify").stdout
