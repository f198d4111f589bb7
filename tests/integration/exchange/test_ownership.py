"""Single writer per record: a member's events about records it does not own change nothing.

This node is CQ; every forged event comes from SC, validly delivered through the inbox, and
writes (or claims) a record CQ owns. Each is refused `not_owner`, kept for inspection, and the
stream goes on past it.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from chuanyu.core import clock
from chuanyu.exchange import inbox, registry
from chuanyu.exchange.models import InboxCursor, RefusedEvent
from chuanyu.exchange.outbox import event_digest
from chuanyu.housing_fund import consent
from chuanyu.housing_fund.enums import Sex
from chuanyu.housing_fund.identifiers import make_resident_id
from chuanyu.housing_fund.schemas import ApplicationCreate
from chuanyu.housing_fund.service import lending
from chuanyu.jobs import events as job_events
from chuanyu.jobs.models import Employer, Posting
from chuanyu.jobs.schemas import PostingCreate
from chuanyu.jobs.service import postings
from chuanyu.ledger import service as ledger_service
from chuanyu.ledger.schemas import EntryCreate, FigureCreate
from chuanyu.window.catalogue import starter_catalogue
from chuanyu.window.models import Case, Matter
from chuanyu.window.service import catalogue, receive
from chuanyu.window.service.catalogue import matter_values
from tests.conftest import Db
from tests.integration.jobs.test_postings import GOOD, OFFICER
from tests.integration.window.window_helpers import at, complete_request, user

Event = tuple[str, dict[str, Any]]


def _deliver(db: Db, stream: str, events: list[Event]) -> inbox.BatchResult:
    """Hand SC's events to this node's inbox, numbered after what it already applied."""
    with db.scope() as session:
        start = inbox.applied_seq(session=session, producer="SC", stream=stream)
        incoming = []
        for offset, (event_type, payload) in enumerate(events, start=1):
            text = json.dumps(payload, ensure_ascii=False)
            seq = start + offset
            incoming.append(inbox.IncomingEvent(seq, event_type, text,
                                                event_digest(stream, seq, event_type, text)))
        return inbox.apply_batch(
            session=session, node=db.node, producer="SC", stream=stream, events=incoming
        )


def _assert_refused_and_passed(db: Db, stream: str, result: inbox.BatchResult,
                               forged: int) -> None:
    """Every forged event refused `not_owner`, kept, and the cursor past all of them."""
    assert result.error is None
    assert [r.code for r in result.refused] == ["not_owner"] * forged
    with db.scope() as session:
        kept = session.scalars(select(RefusedEvent).where(RefusedEvent.stream == stream)).all()
        assert sorted(r.seq for r in kept) == [r.seq for r in result.refused]
        assert all(r.producer == "SC" and r.code == "not_owner" and r.payload for r in kept)
        cursor = session.scalar(select(InboxCursor).where(InboxCursor.producer == "SC",
                                                          InboxCursor.stream == stream))
        assert cursor is not None and cursor.applied_seq == result.applied_seq
        assert cursor.last_error is None


# --- ledger.entries --------------------------------------------------------------------------

def _ledger_entry(**kw: Any) -> EntryCreate:
    data: dict[str, Any] = {"kind": "agreement", "title": "北碚区与绵阳市补充协议",
                            "date": "2020-02-10", "parties": ["500109", "510700"], **kw}
    return EntryCreate.model_validate(data)


def test_ledger_forgeries_change_nothing(db: Db) -> None:
    with db.scope() as session:
        mine = ledger_service.create_entry(session=session, member="CQ", data=_ledger_entry())
        figure = ledger_service.add_figure(
            session=session, member="CQ", data=FigureCreate.model_validate(
            {"metric": "dept_agreements", "value": 85, "as_of": "2020-07-08"}))
    rewritten = {**mine.model_dump(mode="json"), "title": "被改写的标题", "version": 9}
    legit = {**mine.model_dump(mode="json"), "id": "sc-own-1", "owner": "SC", "title": "四川的记录"}
    forged_figure = {**figure.model_dump(mode="json"), "value": 1, "owner": "SC"}
    result = _deliver(db, "ledger.entries", [
        ("entry.upserted", rewritten),                        # claims CQ's ownership
        ("entry.upserted", {**rewritten, "owner": "SC"}),     # claims a CQ record as its own
        ("entry.deleted", {"id": mine.id}),
        ("figure.upserted", forged_figure),
        ("entry.upserted", legit),
    ])
    _assert_refused_and_passed(db, "ledger.entries", result, forged=4)
    assert result.applied == 1
    with db.scope() as session:
        kept = ledger_service.get_entry(session=session, entry_id=mine.id)
        assert (kept.title, kept.owner, kept.version) == (mine.title, "CQ", mine.version)
        assert ledger_service.get_entry(session=session, entry_id="sc-own-1").owner == "SC"
        values = {f.id: f.value for f in ledger_service.list_figures(session=session)}
        assert values[figure.id] == figure.value


# --- jobs.postings ---------------------------------------------------------------------------

def _snapshot(db: Db, pid: str, **changes: Any) -> dict[str, Any]:
    with db.scope() as session:
        posting = session.get(Posting, pid)
        assert posting is not None
        employer = session.get(Employer, posting.employer_id)
        assert employer is not None
        snap = job_events.snapshot(posting, employer)
    snap["posting"].update(changes)
    return snap


def test_job_posting_forgeries_change_nothing(db: Db) -> None:
    with db.scope() as session:
        pid = postings.create(session=session, member="CQ", user=OFFICER,
                              data=PostingCreate.model_validate(GOOD)).id
    original = _snapshot(db, pid)
    updated = _snapshot(db, pid, title="篡改的岗位", contact_phone="13900000000",
                        salary_min="1.00", version=original["posting"]["version"] + 1)
    claimed_new = _snapshot(db, pid, id="f" * 32, title="冒名的岗位")
    stolen_employer = {**_snapshot(db, pid, id="e" * 32, origin="SC", employer_id="d" * 32),
                       "employer": {**original["employer"], "id": "d" * 32, "origin": "CQ",
                                    "uscc": "91500112MA5U7AJ19X"}}
    columns = [job_events.plain(v) for v in updated["posting"].values()]
    batch = {"fields": list(job_events.POSTING_FIELDS), "rows": [columns],
             "employer_fields": list(job_events.EMPLOYER_FIELDS),
             "employers": [list(original["employer"].values())]}
    legit_employer = {**original["employer"], "id": "c" * 32, "origin": "SC",
                      "uscc": "91510100MA61R0XX4B"}
    legit = {"posting": {**original["posting"], "id": "a" * 32, "origin": "SC",
                         "employer_id": "c" * 32, "division_code": "510104",
                         "title": "成都的岗位"}, "employer": legit_employer}
    result = _deliver(db, "jobs.postings", [
        (job_events.UPDATED, updated),                                       # CQ's own posting
        (job_events.UPDATED, {**updated, "posting": {**updated["posting"], "origin": "SC"}}),
        (job_events.CLOSED, _snapshot(db, pid, status="closed", version=9)),
        (job_events.CREATED, claimed_new),                                   # origin = CQ
        (job_events.CREATED, stolen_employer),                               # a new CQ employer
        (job_events.BATCH, batch),
        (job_events.CREATED, legit),
    ])
    _assert_refused_and_passed(db, "jobs.postings", result, forged=6)
    with db.scope() as session:
        assert _snapshot(db, pid) == original
        assert session.get(Posting, "f" * 32) is None
        assert session.get(Posting, "e" * 32) is None
        assert session.get(Employer, "d" * 32) is None
        held = session.get(Posting, "a" * 32)
        assert held is not None and held.origin == "SC"


# --- window.catalogue ------------------------------------------------------------------------

def test_catalogue_forgeries_change_nothing(db: Db) -> None:
    with db.scope() as session:
        catalogue.load_catalogue(session=session, node=db.node, catalogue=starter_catalogue("CQ"))
    spec = starter_catalogue("CQ").matters[0]
    mine = {"code": spec.code, **matter_values(spec)}
    theirs = starter_catalogue("SC").matters[0]
    result = _deliver(db, "window.catalogue", [
        ("matter.upserted", {**mine, "name": "被改写的事项"}),
        ("matter.upserted", {**mine, "member": "SC", "name": "被改写的事项"}),
        ("matter.withdrawn", {"code": spec.code}),
        ("matter.upserted", {"code": theirs.code, **matter_values(theirs)}),
    ])
    _assert_refused_and_passed(db, "window.catalogue", result, forged=3)
    with db.scope() as session:
        row = session.scalar(select(Matter).where(Matter.code == spec.code))
        assert row is not None and (row.name, row.member, row.active) == (spec.name, "CQ", True)
        assert session.scalar(select(Matter.member).where(Matter.code == theirs.code)) == "SC"


# --- window.cases and window.results ---------------------------------------------------------

def _case(db: Db, matter_code: str) -> str:
    with db.scope() as session, clock.freeze(at(date(2020, 9, 21))):
        catalogue.load_catalogue(session=session, node=db.node, catalogue=starter_catalogue("CQ"))
        catalogue.seed_peer_copy(session=session, peer="SC")
        data, uploads = complete_request(session, matter_code)
        return receive(session=session, node=db.node, user=user("window_clerk", "CQ"), data=data,
                       uploads=uploads).case_number


def _transition(number: str, action: str, to_status: str) -> dict[str, Any]:
    return {
        "case_number": number,
        "event": {"seq": 2, "action": action, "from_status": "received", "to_status": to_status,
                  "actor": "x", "actor_name": "x", "actor_role": "window_clerk",
                  "actor_member": "SC", "at": "2020-09-21T04:00:00+00:00", "note": None,
                  "data": None},
        "clock": {"limit_days": 5, "used_days": 0, "running_since": None,
                  "due_date": "2020-09-28", "paused_on": None, "finished_on": "2020-09-21"},
        "result": None,
        "attachments": [],
    }


def _case_state(db: Db, number: str) -> tuple[str, int, str, str]:
    with db.scope() as session:
        case = session.scalar(select(Case).where(Case.case_number == number))
        assert case is not None
        return case.status, case.version, case.intake_member, case.authority_member


def test_window_case_forgeries_change_nothing(db: Db) -> None:
    number = _case(db, "SC-RS-001")  # received at CQ's window: CQ owns its intake side
    before = _case_state(db, number)
    received = {"case_number": "SC-20200921-0001", "intake_member": "CQ",
                "authority_member": "CQ"}
    result = _deliver(db, "window.cases", [
        ("case.transition", _transition(number, "withdraw", "withdrawn")),
        ("case.received", received),  # a case claiming to come from CQ's own window
        ("case.received", {**received, "case_number": number, "intake_member": "SC"}),
    ])
    _assert_refused_and_passed(db, "window.cases", result, forged=3)
    assert _case_state(db, number) == before


def test_window_result_forgeries_change_nothing(db: Db) -> None:
    number = _case(db, "CQ-RS-001")  # a local case: CQ's authority decides it
    before = _case_state(db, number)
    result = _deliver(db, "window.results", [
        ("case.transition", _transition(number, "approve", "approved")),
        ("case.transition", _transition(number, "reject", "rejected")),
    ])
    _assert_refused_and_passed(db, "window.results", result, forged=2)
    assert _case_state(db, number) == before


def test_consent_forgeries_change_nothing(db: Db) -> None:
    rid = make_resident_id(random.Random(3), "SC", date(1990, 3, 3), Sex.FEMALE)
    data = ApplicationCreate(
        resident_id=rid, applicant_name="李四", depositing_member="SC", amount=Decimal(200000),
        term_years=20, property_price=Decimal(800000), monthly_income=Decimal(12000),
        consent=True)
    with db.scope() as session:
        app = lending.submit(session=session, node=db.node, data=data, user_id=None)
        number, request = app.application_no, consent.peek(app.consent_token,
                                                            consent.ConsentRequest)
    claims = consent.ConsentClaims(
        consent_id="f" * 32, request_id=request.request_id, service=consent.SERVICE,
        purpose=consent.PURPOSE, depositor_id=rid, lending_member="CQ", application_no=number,
        depositing_member="CQ",  # SC passes off a consent as one CQ issued
        issued_at=clock.now(), expires_at=clock.now() + consent.CONSENT_VALIDITY)
    payload = {**claims.model_dump(mode="json"), "status": "granted", "signature": "x"}
    result = _deliver(db, consent.STREAM, [("consent.granted", payload)])
    _assert_refused_and_passed(db, consent.STREAM, result, forged=1)
    with db.session() as session:
        assert lending.get(session=session, application_no=number).status == "awaiting_consent"


# --- every stream is covered ------------------------------------------------------------------

FORGERY_TESTS: dict[str, Callable[[Db], None]] = {
    "ledger.entries": test_ledger_forgeries_change_nothing,
    "jobs.postings": test_job_posting_forgeries_change_nothing,
    "window.catalogue": test_catalogue_forgeries_change_nothing,
    "window.cases": test_window_case_forgeries_change_nothing,
    "window.results": test_window_result_forgeries_change_nothing,
    "housing_fund.consents": test_consent_forgeries_change_nothing,
}


def test_every_stream_declares_its_owners_and_has_a_forgery_test() -> None:
    from chuanyu import domains

    domains.load_handlers()
    owned = {name for name, s in registry.STREAMS.items()
             if s.owner is not registry.PRODUCER_ONLY and not name.startswith("test.")}
    assert owned == set(FORGERY_TESTS)


def test_an_event_whose_owner_cannot_be_read_stops_the_stream(db: Db) -> None:
    result = _deliver(db, "ledger.entries", [("entry.upserted", {"title": "没有 owner"})])
    assert result.applied_seq == 0 and result.error is not None and "KeyError" in result.error
    assert result.refused == []
