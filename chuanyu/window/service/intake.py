"""Receiving an application at the window (窗口收件) and sending it to the deciding authority."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.core.errors import NotFound, invalid_fields
from chuanyu.core.messages import zh_message
from chuanyu.core.schemas import UserRead
from chuanyu.exchange import outbox
from chuanyu.exchange.client import EXCHANGE_CODES, ExchangeRefused, PeerUnavailable
from chuanyu.registry import service as registry_service
from chuanyu.registry.schemas import RegistrationApplication
from chuanyu.window import rules
from chuanyu.window.checks import check_checklist, check_uploads, checklist_rows
from chuanyu.window.enums import Action, PayloadKind
from chuanyu.window.errors import ActionForbidden
from chuanyu.window.models import Case, Matter
from chuanyu.window.schemas import CaseCreate, UploadIn
from chuanyu.window.service import catalogue
from chuanyu.window.service.common import calendar, clock_payload, store_clock
from chuanyu.window.service.events import (
    INTAKE_STREAM,
    SNAPSHOT_FIELDS,
    attach,
    attachment_payload,
    event_payload,
    record,
)

if TYPE_CHECKING:
    from chuanyu.node import Node

log = logging.getLogger(__name__)


def _matter(
    *, session: Session, data: CaseCreate, problems: list[tuple[str, str]]
) -> Matter | None:
    try:
        matter: Matter | None = catalogue.get_matter(session=session, code=data.matter_code)
    except NotFound:
        matter = None
    if matter is None or not matter.active:
        where = f"{data.authority_member} 的" if data.authority_member else ""
        problems.append(("matter_code", f"{where}事项清单中没有在办事项 {data.matter_code}"))
        return None
    if data.authority_member and matter.member != data.authority_member:
        problems.append(
            (
                "matter_code",
                f"事项 {matter.code} 由 {matter.member} 办理，"
                f"不在 {data.authority_member} 的事项清单中",
            )
        )
        return None
    return matter


def validate_application(
    matter: Matter, raw: dict[str, Any] | None, problems: list[tuple[str, str]]
) -> RegistrationApplication | None:
    """The structured application a matter needs, with problems reported per field."""
    if matter.payload_kind != PayloadKind.BUSINESS_REGISTRATION.value:
        if raw:
            problems.append(("application", "该事项无需填写结构化申请信息"))
        return None
    if raw is None:
        problems.append(("application", "企业设立登记须填写申请信息"))
        return None
    try:
        application = RegistrationApplication.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            problems.append((f"application.{loc}", zh_message(err)))
        return None
    if application.domicile.region != matter.member:
        problems.append(
            (
                "application.domicile.division_code",
                f"住所须在登记机关所在地区（{matter.member}）",
            )
        )
        return None
    return application


def receive(
    *,
    session: Session,
    node: Node,
    user: UserRead,
    data: CaseCreate,
    uploads: list[UploadIn],
    end_unit: Callable[[], None] | None = None,
) -> Case:
    """Register an application, store its files and send it on (flushes; the caller commits).

    Every problem with the input is reported at once; nothing is stored or sent when any is found.
    A business registration for the other region first asks that region whether the name is
    free: read → call → write, so the caller's unit of work is ended with `end_unit` (the edge's
    commit) before that call and the case is written in the next one; no transaction is held
    across the network.
    """
    problems: list[tuple[str, str]] = []
    matter = _matter(session=session, data=data, problems=problems)
    if matter is None:
        raise invalid_fields(problems)
    if not rules.may_act(
        Action.RECEIVE,
        roles=user.roles,
        user_member=user.member,
        intake_member=node.member,
        authority_member=matter.member,
        officer_role=matter.officer_role,
    ):
        raise ActionForbidden("只有本地区窗口工作人员可以收件")
    files, file_problems = check_uploads(uploads, (m["code"] for m in matter.materials))
    problems += file_problems
    problems += check_checklist(matter.materials, data.materials, files)
    application = validate_application(matter, data.application, problems)
    if problems:
        raise invalid_fields(problems)
    name_check = "not_needed"
    if application is not None:
        if matter.member != node.member:
            if end_unit is None:
                raise TypeError("receiving for another region calls it: pass end_unit")
            end_unit()  # nothing of the case is written yet
        try:
            registry_service.check_name_at(
                session=session, node=node, member=matter.member, name=application.name
            )
            name_check = "passed"
        except (PeerUnavailable, ExchangeRefused) as exc:
            if isinstance(exc, ExchangeRefused) and exc.code not in EXCHANGE_CODES:
                raise  # the authority answered and refused: a real refusal
            # The link failed; the authority checks the name again when it accepts the case.
            log.warning("name check at %s deferred: %s", matter.member, exc.detail)
            name_check = "deferred"

    today = clock.today()
    case = Case(
        case_number=f"pending-{uuid.uuid4().hex}",
        matter_code=matter.code,
        matter_name=matter.name,
        intake_member=node.member,
        authority_member=matter.member,
        authority_name=matter.authority_name,
        officer_role=matter.officer_role,
        payload_kind=matter.payload_kind,
        status="received",
        applicant_kind=data.applicant.kind.value,
        applicant_name=data.applicant.name,
        applicant_id_number=data.applicant.id_number,
        applicant_phone=data.applicant.phone,
        applicant_division_code=data.applicant.division_code,
        application=application.model_dump(mode="json") if application else None,
        materials=checklist_rows(matter.materials, data.materials),
        received_date=today,
        received_at=clock.now(),
        received_by=user.username,
        updated_at=clock.now(),
    )
    store_clock(case, rules.start_clock(calendar(session=session), today, matter.time_limit_days))
    session.add(case)
    session.flush()
    case.case_number = rules.case_number(node.member, today, case.id)
    event = record(
        case,
        action=Action.RECEIVE,
        from_status=None,
        actor=user.username,
        actor_name=user.display_name,
        actor_role="window_clerk" if user.has("window_clerk") else "admin",
        actor_member=node.member,
        note=data.note,
        data={"name_check": name_check},
    )
    attach(case, files, seq=event.seq)
    session.flush()
    if case.authority_member != case.intake_member:
        outbox.publish(
            session=session,
            stream=INTAKE_STREAM,
            event_type="case.received",
            payload=snapshot(case),
        )
    return case


def snapshot(case: Case) -> dict[str, Any]:
    """Everything the authority needs to hold the case (files by digest only)."""
    body: dict[str, Any] = {name: getattr(case, name) for name in SNAPSHOT_FIELDS}
    body["received_date"] = case.received_date.isoformat()
    body["received_at"] = case.received_at.isoformat()
    body["clock"] = clock_payload(case)
    body["events"] = [event_payload(e) for e in case.events]
    body["attachments"] = [attachment_payload(a) for a in case.attachments]
    return body
