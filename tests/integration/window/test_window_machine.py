"""Property test of the case services: random actions by random accounts never leave the machine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from chuanyu.core.db import write_scope
from chuanyu.core.errors import ChuanyuError, InvalidInput
from chuanyu.node import Node
from chuanyu.window import rules
from chuanyu.window.enums import Action, CaseStatus
from chuanyu.window.errors import ActionForbidden, TransitionNotAllowed
from chuanyu.window.models import Case
from chuanyu.window.schemas import TransitionIn, UploadIn
from chuanyu.window.service import act, receive
from tests.conftest import _sqlite_node
from tests.integration.window.window_helpers import (
    APPLICANT_ID,
    PDF,
    complete_request,
    load_both_catalogues,
    resident_id,
    user,
)

ACCOUNTS = {
    "clerk": user("window_clerk", "CQ"),
    "applicant": user("citizen", "CQ", subject_id=APPLICANT_ID),
    "stranger": user("citizen", "CQ", subject_id=resident_id("51010719900307123")),
    "supervisor": user("joint_office", "CQ"),
    "registrar": user("registrar", "CQ"),
    "sc_clerk": user("window_clerk", "SC"),
}
# The input each action needs to be well formed, so that refusals come from state and role.
INPUT = {
    Action.REQUEST_SUPPLEMENT: {"note": "材料不全", "materials": ["application_form"]},
    Action.REJECT: {"note": "不符合条件"},
}


@pytest.fixture(scope="module")
def node(
    federation_dir: Path, sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Node]:
    cq = _sqlite_node(federation_dir, sqlite_template, tmp_path_factory.mktemp("machine"))
    with write_scope(cq) as session:
        load_both_catalogues(session, cq)
    yield cq
    cq.close()


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.sampled_from(list(Action)), st.sampled_from(sorted(ACCOUNTS))),
        min_size=1,
        max_size=10,
    )
)
def test_random_actions_follow_the_table_or_change_nothing(
    node: Node, steps: list[tuple[Action, str]]
) -> None:
    with write_scope(node) as session:
        data, uploads = complete_request(session, "CQ-RS-001")  # decided at CQ by a clerk
        number = receive(
            session=session, node=node, user=ACCOUNTS["clerk"], data=data, uploads=uploads
        ).case_number
    status, done = CaseStatus.RECEIVED, 1
    for action, who in steps:
        files = [
            UploadIn(
                material_code="application_form",
                filename="a.pdf",
                content_type="application/pdf",
                content=PDF + str(done).encode(),
            )
        ]
        try:
            with write_scope(node) as session:
                act(
                    session=session,
                    node=node,
                    user=ACCOUNTS[who],
                    case_number=number,
                    action=action,
                    data=TransitionIn(**INPUT.get(action, {})),
                    uploads=files if action is Action.SUPPLY else None,
                )
        except (TransitionNotAllowed, ActionForbidden) as refused:
            allowed = rules.next_status(status, action) is not None and action is not Action.RECEIVE
            assert isinstance(refused, ActionForbidden) == allowed
        except InvalidInput:
            raise  # the input is well formed: a field error here is a bug, not a refusal
        except ChuanyuError as other:  # e.g. NotFound for an account that may not see the case
            assert who in ("stranger", "sc_clerk"), other
        else:
            target = rules.next_status(status, action)
            assert target is not None, (status, action, who)
            status, done = target, done + 1
        with write_scope(node) as session:
            case = session.scalar(select(Case).where(Case.case_number == number))
            assert case is not None and case.status == status.value
            assert [e.seq for e in case.events] == list(range(1, done + 1))
            assert case.version == done
