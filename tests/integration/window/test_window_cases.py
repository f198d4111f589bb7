"""Window cases against SQLite and PostgreSQL: receipt, bad input, transitions, the clock."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from chuanyu.core import clock
from chuanyu.core.errors import InvalidInput
from chuanyu.window.catalogue import starter_catalogue
from chuanyu.window.enums import Action, CaseStatus, Urgency
from chuanyu.window.errors import ActionForbidden, TransitionNotAllowed
from chuanyu.window.models import Case
from chuanyu.window.schemas import MaterialIn, TransitionIn, UploadIn
from chuanyu.window.service import act, escalations, read_case, receive
from tests.conftest import Db
from tests.integration.window.window_helpers import (
    APPLICANT_ID,
    PDF,
    PNG,
    at,
    complete_request,
    load_both_catalogues,
    outbox_count,
    user,
)

CLERK = user("window_clerk", "CQ")
CQ_OFFICER = user("window_clerk", "CQ", name="cq-back-office")


def test_receipt_carries_a_member_prefixed_number_and_the_due_date(db: Db) -> None:
    with db.scope() as session, clock.freeze(at(date(2020, 9, 30))):
        load_both_catalogues(session, db.node)
        data, uploads = complete_request(session, "SC-RS-001")  # 5 working days
        case = receive(session=session, node=db.node, user=CLERK, data=data, uploads=uploads)
        number = case.case_number
    with db.session() as session, clock.freeze(at(date(2020, 9, 30))):
        read = read_case(session=session, user=CLERK, case_number=number)
    assert number.startswith("CQ-20200930-")
    # Oct 1-8 off; 10-09 (Fri), 10-10 (make-up Sat), 10-12, 10-13, 10-14.
    assert read.due_date == date(2020, 10, 14)
    assert read.status is CaseStatus.RECEIVED and read.cross_region
    assert read.applicant_id_number == APPLICANT_ID
    assert [e.action for e in read.events] == ["receive"]
    assert read.events[0].actor == CLERK.username
    assert all(m.files and m.files[0].stored_here for m in read.materials)
    assert len(read.materials[0].files[0].sha256) == 64
    with db.session() as session:
        assert outbox_count(session, "window.cases") == 1


def fields(error: InvalidInput) -> dict[str, str]:
    return {e.field: e.message for e in error.errors}


def _too_big_and_exe(uploads: list[UploadIn]) -> list[UploadIn]:
    big = uploads[0].model_copy(update={"content": PDF + b"0" * (6 * 1024 * 1024)})
    exe = uploads[1].model_copy(update={"content": b"MZ\x90\x00" * 64})
    return [big, exe]


def _stray_file(uploads: list[UploadIn]) -> list[UploadIn]:
    stray = UploadIn(material_code="selfie", filename="a.png", content_type=None, content=PNG)
    return [*uploads, stray]


BAD_INPUT = [
    # (change to the request, change to the files, field, fragment of the reason)
    ({"matter_code": "CQ-RS-001", "authority_member": "SC"}, None, "matter_code", "不在 SC"),
    ({"matter_code": "SC-XX-999"}, None, "matter_code", "SC-XX-999"),
    (
        {},
        lambda ups: [u for u in ups if u.material_code != "id_card"],
        "materials.id_card",
        "缺少必要材料",
    ),
    ({"materials": [MaterialIn(code="id_card")]}, None, "materials.id_card", "原件"),
    ({}, _too_big_and_exe, "files.id_card", "过大"),
    ({}, _too_big_and_exe, "files.application_form", "不允许"),
    ({}, _stray_file, "files.selfie", "不在本事项的材料清单中"),
    ({"application": {"name": "x"}}, None, "application", "无需"),
]


def test_bad_input_is_refused_with_field_and_reason_and_nothing_is_stored(db: Db) -> None:
    with db.scope() as session:
        load_both_catalogues(session, db.node)
    for change, spoil, field, fragment in BAD_INPUT:
        with db.session() as session:
            data, uploads = complete_request(session, "SC-RS-001")
            data = data.model_copy(update=change)
            with pytest.raises(InvalidInput) as caught:
                receive(
                    session=session,
                    node=db.node,
                    user=CLERK,
                    data=data,
                    uploads=spoil(uploads) if spoil else uploads,
                )
            session.commit()  # whatever the service left behind would be stored now
        assert fragment in fields(caught.value).get(field, ""), (field, caught.value.errors)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0
        assert outbox_count(session, "window.") == len(starter_catalogue("CQ").matters)


def test_local_case_runs_the_whole_machine_and_pauses_the_clock(db: Db) -> None:
    with db.scope() as session, clock.freeze(at(date(2020, 9, 21))):
        load_both_catalogues(session, db.node)
        data, uploads = complete_request(session, "CQ-RS-001")  # 5 working days, local
        number = receive(
            session=session, node=db.node, user=CLERK, data=data, uploads=uploads
        ).case_number
    with db.scope() as session, clock.freeze(at(date(2020, 9, 21))):
        assert read_case(session=session, user=CLERK, case_number=number).due_date == date(
            2020, 9, 27
        )
    with db.scope() as session, clock.freeze(at(date(2020, 9, 23))):
        act(
            session=session,
            node=db.node,
            user=CQ_OFFICER,
            case_number=number,
            action=Action.REQUEST_SUPPLEMENT,
            data=TransitionIn(note="申请表缺签字", materials=["application_form"]),
        )
    with db.scope() as session, clock.freeze(at(date(2020, 9, 24))):
        read = read_case(session=session, user=CLERK, case_number=number)
        assert read.status is CaseStatus.SUPPLEMENT and read.urgency is Urgency.PAUSED
        assert read.used_days == 2 and read.days_left is None
        with pytest.raises(InvalidInput) as caught:
            act(
                session=session,
                node=db.node,
                user=CLERK,
                case_number=number,
                action=Action.SUPPLY,
                data=TransitionIn(),
            )
        assert "materials.application_form" in fields(caught.value)
    applicant = user("citizen", "CQ", subject_id=APPLICANT_ID)
    with db.scope() as session, clock.freeze(at(date(2020, 9, 25))):
        act(
            session=session,
            node=db.node,
            user=applicant,
            case_number=number,
            action=Action.SUPPLY,
            data=TransitionIn(note="已签字"),
            uploads=[
                UploadIn(
                    material_code="application_form",
                    filename="signed.pdf",
                    content_type="application/pdf",
                    content=PDF + b"signed",
                )
            ],
        )
    with db.scope() as session, clock.freeze(at(date(2020, 9, 28))):
        read = read_case(session=session, user=CLERK, case_number=number)
        assert read.due_date == date(2020, 9, 29) and read.urgency is Urgency.NEAR
        act(
            session=session,
            node=db.node,
            user=CQ_OFFICER,
            case_number=number,
            action=Action.APPROVE,
            data=TransitionIn(note="准予"),
        )
        act(
            session=session,
            node=db.node,
            user=CLERK,
            case_number=number,
            action=Action.DELIVER,
            data=TransitionIn(),
        )
    with db.session() as session, clock.freeze(at(date(2020, 9, 28))):
        read = read_case(session=session, user=CLERK, case_number=number)
    assert read.status is CaseStatus.DELIVERED and read.on_time is True
    assert [e.action for e in read.events] == [
        "receive",
        "request_supplement",
        "supply",
        "approve",
        "deliver",
    ]
    assert [e.actor_role for e in read.events][2] == "citizen"
    form = next(m for m in read.materials if m.code == "application_form")
    assert len(form.files) == 2 and form.files[1].event_seq == 3
    with db.session() as session:
        assert outbox_count(session, "window.cases") == 0  # nothing crosses for a local case


def test_transitions_not_allowed_from_the_state_or_by_the_role(db: Db) -> None:
    with db.scope() as session, clock.freeze(at(date(2020, 9, 21))):
        load_both_catalogues(session, db.node)
        data, uploads = complete_request(session, "CQ-SCJG-003")  # officer: registrar
        number = receive(
            session=session, node=db.node, user=CLERK, data=data, uploads=uploads
        ).case_number
    with db.session() as session:
        with pytest.raises(TransitionNotAllowed):
            act(
                session=session,
                node=db.node,
                user=user("registrar", "CQ"),
                case_number=number,
                action=Action.APPROVE,
                data=TransitionIn(),
            )
        with pytest.raises(ActionForbidden):
            act(
                session=session,
                node=db.node,
                user=CLERK,
                case_number=number,
                action=Action.ACCEPT,
                data=TransitionIn(),
            )
        with pytest.raises(ActionForbidden):
            act(
                session=session,
                node=db.node,
                user=user("registrar", "SC"),
                case_number=number,
                action=Action.ACCEPT,
                data=TransitionIn(),
            )
        with pytest.raises(InvalidInput) as caught:
            act(
                session=session,
                node=db.node,
                user=user("registrar", "CQ"),
                case_number=number,
                action=Action.REJECT,
                data=TransitionIn(),
            )
        assert "note" in fields(caught.value)
        session.rollback()
    with db.session() as session:
        case = session.scalar(select(Case).where(Case.case_number == number))
        assert case is not None and case.status == "received" and len(case.events) == 1


def test_escalation_lists_cases_near_and_past_due(db: Db) -> None:
    numbers = {}
    with db.scope() as session, clock.freeze(at(date(2020, 9, 21))):
        load_both_catalogues(session, db.node)
        for code in ("SC-YB-001", "SC-RS-001", "SC-GA-001"):  # limits 1, 5, 20 working days
            data, uploads = complete_request(session, code)
            numbers[code] = receive(
                session=session, node=db.node, user=CLERK, data=data, uploads=uploads
            ).case_number
    with db.session() as session:
        listed = escalations(session=session, node=db.node, today=date(2020, 9, 25))
    urgency = {i.case_number: i.urgency for i in listed}
    assert urgency == {numbers["SC-YB-001"]: Urgency.OVERDUE, numbers["SC-RS-001"]: Urgency.NEAR}
