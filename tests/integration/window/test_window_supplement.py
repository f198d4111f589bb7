"""Online 补正 against SQLite and PostgreSQL: files kept between attempts, the clock resumed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from chuanyu.core import clock
from chuanyu.core.errors import InvalidInput
from chuanyu.window.enums import Action, CaseStatus
from chuanyu.window.errors import TransitionNotAllowed
from chuanyu.window.models import Case, PendingUpload
from chuanyu.window.schemas import TransitionIn, UploadIn
from chuanyu.window.service import act, receive, supplement
from tests.conftest import Db
from tests.integration.window.window_helpers import (
    APPLICANT_ID,
    PDF,
    PNG,
    at,
    complete_request,
    load_both_catalogues,
    user,
)

CLERK = user("window_clerk", "CQ")
CITIZEN = user("citizen", "CQ", subject_id=APPLICANT_ID)


def _waiting(db: Db, day: date) -> str:
    with db.scope() as session, clock.freeze(at(day)):
        load_both_catalogues(session, db.node)
        data, uploads = complete_request(session, "CQ-RS-001")
        number = receive(
            session=session, node=db.node, user=CLERK, data=data, uploads=uploads
        ).case_number
        act(session=session, node=db.node, user=CLERK, case_number=number,
            action=Action.REQUEST_SUPPLEMENT,
            data=TransitionIn(note="缺少签名", materials=["application_form", "id_card"],
                              repeat_reason=None))  # fmt: skip
    return number


def _case(session: object, number: str) -> Case:
    row = session.scalar(select(Case).where(Case.case_number == number))  # type: ignore[attr-defined]
    assert row is not None
    return row  # type: ignore[no-any-return]


def _upload(code: str, name: str, content: bytes) -> UploadIn:
    return UploadIn(material_code=code, filename=name, content_type=None, content=content)


def test_files_wait_between_attempts_and_become_the_cases_files(db: Db) -> None:
    number = _waiting(db, date(2026, 12, 1))  # a Tuesday
    with db.scope() as session, clock.freeze(at(date(2026, 12, 3))):
        case = _case(session, number)
        request = supplement.request_of(session=session, case=case)
        assert request is not None and request.reason == "缺少签名"
        assert [m.code for m in request.materials] == ["application_form", "id_card"]
        problems = supplement.keep(session=session, node=db.node, user=CITIZEN, case=case, uploads=[
            _upload("application_form", "表.pdf", PDF + b"a"),
            _upload("application_form", "表.pdf", PDF + b"a"),  # the same file twice: kept once
            _upload("id_card", "证.exe", b"MZ\x90\x00"),
        ])  # fmt: skip
        assert [field for field, _ in problems] == ["files.id_card"]
    with db.scope() as session, clock.freeze(at(date(2026, 12, 3))):
        case = _case(session, number)
        with pytest.raises(InvalidInput) as refused:
            supplement.submit(session=session, node=db.node, user=CITIZEN, case=case, note=None)
        assert "materials.id_card" in {e.field for e in refused.value.errors}
    with db.scope() as session:  # the refused submission kept what was uploaded
        assert session.scalars(select(PendingUpload.filename)).all() == ["表.pdf"]
    with db.scope() as session, clock.freeze(at(date(2026, 12, 7))):
        case = _case(session, number)
        assert supplement.keep(session=session, node=db.node, user=CITIZEN, case=case,
                               uploads=[_upload("id_card", "证.png", PNG)]) == []  # fmt: skip
        supplement.submit(session=session, node=db.node, user=CITIZEN, case=case, note="已签名")
    with db.scope() as session:
        case = _case(session, number)
        assert case.status == CaseStatus.ACCEPTED.value
        assert case.paused_on is None and case.running_since == date(2026, 12, 7)
        assert case.events[-1].action == "supply" and case.events[-1].actor == CITIZEN.username
        assert sorted(a.filename for a in case.attachments if a.event_seq == case.version) == [
            "表.pdf", "证.png"]  # fmt: skip
        assert session.scalars(select(PendingUpload)).all() == []


def test_a_pending_file_can_be_removed(db: Db) -> None:
    number = _waiting(db, date(2026, 12, 1))
    with db.scope() as session:
        case = _case(session, number)
        supplement.keep(session=session, node=db.node, user=CITIZEN, case=case,
                        uploads=[_upload("id_card", "错.pdf", PDF + b"x")])  # fmt: skip
        upload_id = session.scalar(select(PendingUpload.id))
        assert upload_id is not None
        supplement.discard(
            session=session, node=db.node, user=CITIZEN, case=case, upload_id=upload_id
        )
    with db.scope() as session:
        assert session.scalars(select(PendingUpload)).all() == []


def test_only_a_case_waiting_for_supplements_takes_files(db: Db) -> None:
    with db.scope() as session:
        load_both_catalogues(session, db.node)
        data, uploads = complete_request(session, "CQ-RS-001")
        number = receive(
            session=session, node=db.node, user=CLERK, data=data, uploads=uploads
        ).case_number
    with db.scope() as session:
        case = _case(session, number)
        assert supplement.request_of(session=session, case=case) is None
        with pytest.raises(TransitionNotAllowed):
            supplement.keep(session=session, node=db.node, user=CITIZEN, case=case,
                            uploads=[_upload("id_card", "证.pdf", PDF)])  # fmt: skip


def test_someone_else_cannot_supply(db: Db) -> None:
    number = _waiting(db, date(2026, 12, 1))
    stranger = user("citizen", "CQ", subject_id="11010519491231002X")
    with db.scope() as session:
        case = _case(session, number)
        with pytest.raises(TransitionNotAllowed):
            supplement.keep(session=session, node=db.node, user=stranger, case=case,
                            uploads=[_upload("id_card", "证.pdf", PDF)])  # fmt: skip


def test_pending_files_are_capped(db: Db) -> None:
    from chuanyu.window.uploads import MAX_FILES_PER_CASE

    number = _waiting(db, date(2026, 12, 1))
    many = [_upload("id_card", f"证{i}.pdf", PDF + str(i).encode())
            for i in range(MAX_FILES_PER_CASE + 1)]  # fmt: skip
    with db.scope() as session:
        case = _case(session, number)
        first = supplement.keep(session=session, node=db.node, user=CITIZEN, case=case,
                                uploads=many[:MAX_FILES_PER_CASE])  # fmt: skip
        assert first == []
        again = supplement.keep(session=session, node=db.node, user=CITIZEN, case=case,
                                uploads=many[MAX_FILES_PER_CASE:])  # fmt: skip
        assert [field for field, _ in again] == ["files"]
    with db.scope() as session:
        assert len(session.scalars(select(PendingUpload)).all()) == MAX_FILES_PER_CASE
