"""Due dates past the package's years: provisional, recounted on load, refused when incomplete."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from chuanyu.core import clock
from chuanyu.core.errors import InvalidInput
from chuanyu.window.enums import Action, CaseStatus
from chuanyu.window.holidays import parse_schedule
from chuanyu.window.models import HolidaySchedule
from chuanyu.window.schemas import TransitionIn, UploadIn
from chuanyu.window.service import (
    act,
    calendar_warnings,
    escalations,
    list_cases,
    load_holidays,
    read_case,
    receive,
)
from tests.conftest import Db
from tests.integration.window.window_helpers import (
    PDF,
    SCHEDULE_2027,
    at,
    complete_request,
    load_both_catalogues,
    user,
)

CLERK = user("window_clerk", "CQ")
OFFICER = user("window_clerk", "CQ", name="cq-back-office")
ADMIN = user("admin", "CQ", name="cq-admin")


def _receive(db: Db, day: date, matter: str = "CQ-GA-001") -> str:
    with db.scope() as session, clock.freeze(at(day)):
        load_both_catalogues(session, db.node)
        data, uploads = complete_request(session, matter)
        return receive(
            session=session, node=db.node, user=CLERK, data=data, uploads=uploads
        ).case_number


def test_20_day_case_received_2026_12_04_gets_a_provisional_2027_due_date(db: Db) -> None:
    number = _receive(db, date(2026, 12, 4))  # CQ-GA-001: 20 working days
    with db.session() as session, clock.freeze(at(date(2027, 1, 4))):
        read = read_case(session=session, user=CLERK, case_number=number)
        queue = list_cases(session=session, node=db.node, user=CLERK)
        urgent = escalations(session=session, node=db.node)
    assert read.due_date == date(2027, 1, 4) and read.due_provisional
    assert read.days_left == 0
    assert [(c.case_number, c.due_provisional) for c in queue.items] == [(number, True)]
    assert [c.due_provisional for c in urgent] == [True]


def test_case_within_the_package_years_is_not_provisional(db: Db) -> None:
    number = _receive(db, date(2026, 11, 2))
    with db.session() as session, clock.freeze(at(date(2026, 11, 2))):
        read = read_case(session=session, user=CLERK, case_number=number)
    assert read.due_date == date(2026, 11, 30) and not read.due_provisional


def test_loading_the_year_recounts_provisional_cases_on_the_timeline(db: Db) -> None:
    running = _receive(db, date(2027, 1, 25))
    paused = _receive(db, date(2027, 1, 25))
    with db.scope() as session, clock.freeze(at(date(2027, 1, 27))):
        act(
            session=session,
            node=db.node,
            user=OFFICER,
            case_number=paused,
            action=Action.REQUEST_SUPPLEMENT,
            data=TransitionIn(note="户口簿复印不清", materials=["household_register"]),
        )
    with db.session() as session, clock.freeze(at(date(2027, 1, 28))):
        before = read_case(session=session, user=CLERK, case_number=running)
    # By law alone: 除夕 02-05 to 初三 02-08 off, 初一/初二 made up on 02-09 and 02-10.
    assert before.due_date == date(2027, 2, 26) and before.due_provisional

    with db.scope() as session, clock.freeze(at(date(2027, 1, 28))):
        loaded = load_holidays(
            session=session, schedule=parse_schedule(SCHEDULE_2027), actor="cq-admin"
        )
    assert loaded.recomputed == 2
    with db.session() as session, clock.freeze(at(date(2027, 1, 28))):
        after = read_case(session=session, user=CLERK, case_number=running)
        held = read_case(session=session, user=CLERK, case_number=paused)
    # The announced break runs 02-05..02-12 and Saturday 02-20 is worked.
    assert after.due_date == date(2027, 3, 1) and not after.due_provisional
    (change,) = after.due_changes
    assert (change.old_due_date, change.new_due_date) == (date(2027, 2, 26), date(2027, 3, 1))
    assert change.old_provisional and not change.new_provisional
    assert "2027" in change.reason and change.actor == "cq-admin"
    assert [e.action for e in after.events] == ["receive"]  # the shared sequence is untouched
    assert held.status is CaseStatus.SUPPLEMENT and not held.due_provisional
    assert held.used_days == 2 and len(held.due_changes) == 1

    with db.scope() as session, clock.freeze(at(date(2027, 1, 29))):
        again = load_holidays(
            session=session, schedule=parse_schedule(SCHEDULE_2027), actor="cq-admin"
        )
    assert again.recomputed == 0


def test_incomplete_schedule_is_refused_with_the_missing_festivals(db: Db) -> None:
    only_new_year = {**SCHEDULE_2027, "festivals": SCHEDULE_2027["festivals"][:1]}
    with db.scope() as session, pytest.raises(InvalidInput) as caught:
        load_holidays(session=session, schedule=parse_schedule(only_new_year), actor="cq-admin")
    message = caught.value.errors[0].message
    for name in ("春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"):
        assert name in message
    assert "元旦" not in message and "2027-02-05" in message
    assert "不完整" in caught.value.detail
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(HolidaySchedule)) == 0


def test_administrators_are_warned_from_november_until_next_year_is_loaded(db: Db) -> None:
    with db.session() as session:
        assert calendar_warnings(session=session, today=date(2026, 10, 31)) == []
        (warning,) = calendar_warnings(session=session, today=date(2026, 11, 1))
        assert "2027" in warning and "暂定" in warning
        # Once in the year itself, the warning stays until the schedule is loaded.
        assert len(calendar_warnings(session=session, today=date(2027, 3, 1))) == 1
        assert len(calendar_warnings(session=session, today=date(2027, 11, 1))) == 2
    with db.scope() as session, clock.freeze(at(date(2026, 11, 20))):
        load_holidays(session=session, schedule=parse_schedule(SCHEDULE_2027), actor="cq-admin")
    with db.session() as session:
        assert calendar_warnings(session=session, today=date(2026, 12, 1)) == []


def test_second_supplement_request_needs_a_recorded_reason(db: Db) -> None:
    number = _receive(db, date(2026, 9, 1))

    def request(reason: str | None) -> None:
        act(
            session=session,
            node=db.node,
            user=OFFICER,
            case_number=number,
            action=Action.REQUEST_SUPPLEMENT,
            data=TransitionIn(
                note="照片回执模糊", materials=["photo_receipt"], repeat_reason=reason
            ),
        )

    with db.scope() as session, clock.freeze(at(date(2026, 9, 2))):
        request(None)
    with db.scope() as session, clock.freeze(at(date(2026, 9, 3))):
        act(
            session=session,
            node=db.node,
            user=CLERK,
            case_number=number,
            action=Action.SUPPLY,
            data=TransitionIn(),
            uploads=[
                UploadIn(
                    material_code="photo_receipt",
                    filename="photo.pdf",
                    content_type="application/pdf",
                    content=PDF + b"retaken",
                )
            ],
        )
    with db.scope() as session, clock.freeze(at(date(2026, 9, 4))):
        with pytest.raises(InvalidInput) as caught:
            request(None)
        assert caught.value.errors[0].field == "repeat_reason"
        assert "一次性告知" in caught.value.errors[0].message
    with db.scope() as session, clock.freeze(at(date(2026, 9, 4))):
        request("补交的相片回执系他人照片，须重新采集")
    with db.session() as session:
        read = read_case(session=session, user=CLERK, case_number=number)
    assert [e.action for e in read.events][-1] == "request_supplement"
    last = read.events[-1]
    assert last.data is not None
    assert last.data["repeat_reason"] == "补交的相片回执系他人照片，须重新采集"
    assert "repeat_reason" not in (read.events[1].data or {})
