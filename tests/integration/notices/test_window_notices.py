"""Window cases notify: the applicant on both nodes at each step, the acting staff when a case
nears or passes its due date (once per case and condition)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from chuanyu.core import clock
from chuanyu.core.db import write_scope
from chuanyu.core.schemas import UserRead
from chuanyu.core.security import create_user
from chuanyu.node import Node
from chuanyu.notices import service as notices_service
from chuanyu.notices.models import Notice
from chuanyu.window.enums import Action
from chuanyu.window.schemas import TransitionIn
from chuanyu.window.service import act, read_case, receive
from chuanyu.window.service import notices as window_notices
from tests.conftest import _sqlite_node
from tests.integration.window.window_helpers import (
    APPLICANT_ID,
    at,
    complete_request,
    load_both_catalogues,
    pump,
    user,
)

CQ_CLERK = user("window_clerk", "CQ")
SC_CLERK = user("window_clerk", "SC")
RECEIVED = date(2020, 9, 21)


@pytest.fixture
def pair(federation_dir: Path, sqlite_template: Path,
         tmp_path: Path) -> Iterator[tuple[Node, Node]]:
    cq = _sqlite_node(federation_dir, sqlite_template, tmp_path, "CQ")
    sc = _sqlite_node(federation_dir, sqlite_template, tmp_path, "SC")
    yield cq, sc
    cq.close()
    sc.close()


def account(node: Node, name: str, role: str, subject_id: str | None = None) -> UserRead:
    with write_scope(node) as session:
        row = create_user(session=session, username=name, password="password-123", roles=[role],
                          subject_id=subject_id)
        return UserRead(id=row.id, username=name, display_name=name, roles=[role],
                        member=node.member, subject_id=subject_id)


def inbox(node: Node, who: UserRead) -> list[tuple[str, str, str | None]]:
    with write_scope(node) as session:
        page = notices_service.list_for(session=session, user=who)
    return [(n.kind, n.subject, n.link) for n in reversed(page.items)]


def step(node: Node, day: date, who: UserRead, number: str, action: Action, **data: object
         ) -> None:  # fmt: skip
    with write_scope(node) as session, clock.freeze(at(day)):
        act(session=session, node=node, user=who, case_number=number, action=action,
            data=TransitionIn(**data))  # type: ignore[arg-type]


def received_case(cq: Node, sc: Node) -> str:
    with write_scope(cq) as session, clock.freeze(at(RECEIVED)):
        load_both_catalogues(session, cq)
        data, uploads = complete_request(session, "SC-RS-001")
        number = receive(session=session, node=cq, user=CQ_CLERK, data=data,
                         uploads=uploads).case_number
    assert pump(cq, sc, "window.cases") == 1
    return number


def test_the_applicant_hears_of_each_step_on_both_nodes(pair: tuple[Node, Node]) -> None:
    cq, sc = pair
    here = account(cq, "applicant-cq", "citizen", APPLICANT_ID)
    there = account(sc, "applicant-sc", "citizen", APPLICANT_ID)
    number = received_case(cq, sc)
    assert inbox(cq, here) == []  # 收件 alone is told by the receipt, not a notice

    step(sc, RECEIVED, SC_CLERK, number, Action.ACCEPT)
    step(sc, RECEIVED + timedelta(days=1), SC_CLERK, number, Action.REQUEST_SUPPLEMENT,
         note="申请表未签字", materials=["application_form"])
    assert pump(sc, cq, "window.results") == 2
    link = f"/window/cases/{number}"
    expected = [("accepted", "办件已受理：社会保障卡挂失与补换", link),
                ("supplement", "请补正材料：社会保障卡挂失与补换", link)]
    assert inbox(cq, here) == expected
    assert inbox(sc, there) == expected
    with write_scope(cq) as session:
        body = notices_service.list_for(session=session, user=here).items[0].body
    assert "社会保障卡补换申请表" in body and "申请表未签字" in body

    assert pump(sc, cq, "window.results") == 0  # nothing replayed, nothing doubled
    assert len(inbox(cq, here)) == 2


def test_approval_and_delivery_tell_the_applicant_to_collect_then_that_it_is_done(
        pair: tuple[Node, Node]) -> None:
    cq, sc = pair
    here = account(cq, "applicant", "citizen", APPLICANT_ID)
    number = received_case(cq, sc)
    step(sc, RECEIVED, SC_CLERK, number, Action.ACCEPT)
    step(sc, RECEIVED + timedelta(days=1), SC_CLERK, number, Action.APPROVE, note="准予补换")
    with clock.freeze(at(RECEIVED + timedelta(days=1))):
        assert pump(sc, cq, "window.results") == 2
    step(cq, RECEIVED + timedelta(days=2), CQ_CLERK, number, Action.DELIVER)
    kinds = [kind for kind, _, _ in inbox(cq, here)]
    assert kinds == ["accepted", "ready", "concluded"]


def test_staff_are_reminded_once_near_the_due_date_and_once_when_overdue(
        pair: tuple[Node, Node]) -> None:
    cq, sc = pair
    officers = [account(sc, f"sc-clerk-{i}", "window_clerk") for i in range(2)]
    cq_clerk = account(cq, "cq-clerk", "window_clerk")
    number = received_case(cq, sc)
    step(sc, RECEIVED, SC_CLERK, number, Action.ACCEPT)
    with write_scope(sc) as session, clock.freeze(at(RECEIVED)):
        due = read_case(session=session, user=SC_CLERK, case_number=number).due_date

    def sweep(node: Node, day: date) -> int:
        with write_scope(node) as session, clock.freeze(at(day)):
            return window_notices.remind_due(session=session, node=node)

    assert sweep(sc, RECEIVED) == 0  # on track
    assert sweep(sc, due) == 2  # near due: each officer of the deciding side
    assert sweep(sc, due) == 0  # the same condition again: nobody twice
    assert sweep(sc, due + timedelta(days=1)) == 2  # overdue
    assert sweep(sc, due + timedelta(days=3)) == 0
    assert sweep(cq, due + timedelta(days=1)) == 0  # the intake side does not own the step
    for officer in officers:
        assert [kind for kind, _, _ in inbox(sc, officer)] == ["near_due", "overdue"]
    assert inbox(cq, cq_clerk) == []
    with write_scope(sc) as session:
        subjects = session.scalars(select(Notice.subject).where(Notice.kind == "overdue"))
        assert set(subjects) == {f"办件已超期：{number}"}
