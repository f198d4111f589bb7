"""A cross-region case between two in-process nodes on SQLite, events pumped by hand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from stdnum.cn import uscc as stdnum_uscc

from chuanyu.core import clock
from chuanyu.core.db import write_scope
from chuanyu.core.errors import RuleViolation
from chuanyu.node import Node
from chuanyu.registry.demo import sample_application
from chuanyu.window.catalogue import starter_catalogue
from chuanyu.window.enums import Action, CaseStatus
from chuanyu.window.schemas import TransitionIn, UploadIn
from chuanyu.window.service import act, load_catalogue, read_case, receive
from chuanyu.window.service.replica import apply_transition
from tests.conftest import _sqlite_node
from tests.integration.window.window_helpers import (
    APPLICANT_ID,
    PDF,
    at,
    complete_request,
    load_both_catalogues,
    pump,
    user,
)

CQ_CLERK = user("window_clerk", "CQ")
SC_REGISTRAR = user("registrar", "SC")
APPLICANT = user("citizen", "CQ", subject_id=APPLICANT_ID)


@pytest.fixture
def pair(
    federation_dir: Path, sqlite_template: Path, tmp_path: Path
) -> Iterator[tuple[Node, Node]]:
    cq = _sqlite_node(federation_dir, sqlite_template, tmp_path, "CQ")
    sc = _sqlite_node(federation_dir, sqlite_template, tmp_path, "SC")
    yield cq, sc
    cq.close()
    sc.close()


def step(node: Node, day: date, who, number: str, action: Action, **kw) -> None:  # type: ignore[no-untyped-def]
    with write_scope(node) as session, clock.freeze(at(day)):
        act(
            session=session,
            node=node,
            user=who,
            case_number=number,
            action=action,
            data=TransitionIn(**kw.pop("data", {})),
            uploads=kw.pop("uploads", None),
        )


def test_business_registration_travels_both_ways_and_issues_a_licence(
    pair: tuple[Node, Node],
) -> None:
    cq, sc = pair
    with write_scope(sc) as session:
        load_catalogue(session=session, node=sc, catalogue=starter_catalogue("SC"))
    assert pump(sc, cq, "window.catalogue") == len(starter_catalogue("SC").matters)
    with write_scope(cq) as session:
        load_catalogue(session=session, node=cq, catalogue=starter_catalogue("CQ"))
    with write_scope(cq) as session, clock.freeze(at(date(2020, 9, 25))):
        application = sample_application("SC", name="成都渝蓉通测试科技有限公司", seed=7)
        data, uploads = complete_request(
            session, "SC-SCJG-001", application=application.model_dump(mode="json")
        )
        number = receive(session=session, node=cq, user=CQ_CLERK, data=data, uploads=uploads,
                         end_unit=session.commit).case_number
    assert pump(cq, sc, "window.cases") == 1

    with write_scope(sc) as session, clock.freeze(at(date(2020, 9, 25))):
        there = read_case(session=session, user=SC_REGISTRAR, case_number=number)
    assert there.status is CaseStatus.RECEIVED and there.due_date == date(2020, 9, 29)
    assert there.applicant_id_number == APPLICANT_ID
    assert all(not f.stored_here for m in there.materials for f in m.files)

    step(
        sc,
        date(2020, 9, 27),
        SC_REGISTRAR,
        number,
        Action.REQUEST_SUPPLEMENT,
        data={"note": "住所证明不清晰", "materials": ["domicile_proof"]},
    )
    assert pump(sc, cq, "window.results") == 1
    with write_scope(cq) as session:
        here = read_case(session=session, user=CQ_CLERK, case_number=number)
    assert here.status is CaseStatus.SUPPLEMENT and here.paused_on == date(2020, 9, 27)

    step(
        cq,
        date(2020, 10, 9),
        APPLICANT,
        number,
        Action.SUPPLY,
        data={"note": "已重新扫描"},
        uploads=[
            UploadIn(
                material_code="domicile_proof",
                filename="lease.pdf",
                content_type="application/pdf",
                content=PDF + b"lease",
            )
        ],
    )
    assert pump(cq, sc, "window.cases") == 1
    step(sc, date(2020, 10, 10), SC_REGISTRAR, number, Action.APPROVE, data={"note": "准予设立"})
    assert pump(sc, cq, "window.results") == 1
    step(cq, date(2020, 10, 12), CQ_CLERK, number, Action.DELIVER)
    assert pump(cq, sc, "window.cases") == 1
    assert pump(cq, sc, "window.cases") == 0

    with write_scope(cq) as s1, write_scope(sc) as s2, clock.freeze(at(date(2020, 10, 12))):
        here = read_case(session=s1, user=CQ_CLERK, case_number=number)
        there = read_case(session=s2, user=SC_REGISTRAR, case_number=number)
    assert here.status is there.status is CaseStatus.DELIVERED
    timeline = [(e.seq, e.action, e.actor, e.actor_member, e.at) for e in here.events]
    assert timeline == [(e.seq, e.action, e.actor, e.actor_member, e.at) for e in there.events]
    assert [e.action for e in here.events] == [
        "receive",
        "request_supplement",
        "supply",
        "approve",
        "deliver",
    ]
    # Received 09-25 with 3 days; 1 used (the make-up Sunday 09-27) before the pause;
    # supplied 10-09, 2 left: 10-10 (make-up Saturday) and 10-12.
    assert here.due_date == there.due_date == date(2020, 10, 12)
    assert here.on_time is True
    assert here.result == there.result
    code = here.result["uscc"]
    assert stdnum_uscc.is_valid(code) and code[2:4] == "51"
    assert here.events[0].data == {"name_check": "deferred"}  # the peer was not running


def test_replica_refuses_a_transition_from_the_wrong_side(pair: tuple[Node, Node]) -> None:
    cq, sc = pair
    with write_scope(cq) as session, clock.freeze(at(date(2020, 9, 21))):
        load_both_catalogues(session, cq)
        data, uploads = complete_request(session, "SC-RS-001")
        number = receive(
            session=session, node=cq, user=CQ_CLERK, data=data, uploads=uploads
        ).case_number
    pump(cq, sc, "window.cases")
    forged = {
        "case_number": number,
        "event": {
            "seq": 2,
            "action": "approve",
            "from_status": "received",
            "to_status": "approved",
            "actor": "x",
            "actor_name": "x",
            "actor_role": "window_clerk",
            "actor_member": "CQ",
            "at": "2020-09-21T04:00:00+00:00",
            "note": None,
            "data": None,
        },
        "clock": {
            "limit_days": 5,
            "used_days": 0,
            "running_since": None,
            "due_date": "2020-09-28",
            "paused_on": None,
            "finished_on": "2020-09-21",
        },
        "result": None,
        "attachments": [],
    }
    with write_scope(sc) as session, pytest.raises(RuleViolation):
        apply_transition(session=session, producer="CQ", payload=forged)
    forged["event"] = {**forged["event"], "seq": 3, "action": "accept", "to_status": "accepted"}
    with write_scope(sc) as session, pytest.raises(RuleViolation):
        apply_transition(session=session, producer="SC", payload=forged)
    with write_scope(sc) as session:
        assert read_case(session=session, user=SC_REGISTRAR, case_number=number).status is (
            CaseStatus.RECEIVED
        )
