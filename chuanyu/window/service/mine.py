"""我的办件: every record of both regions that concerns one resident.

Window cases (a cross-region case is held on both nodes), remote-loan applications (held by the
lending centre) and licences naming them as legal representative (held by the issuing region).
This node reads its own; the other region answers `window.my_records` for the same resident ID,
asked by the node where the citizen signed in (the citizen applied: `applicant_request`).
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanyu.core.errors import ChuanyuError
from chuanyu.housing_fund.enums import APPLICATION_STATUS_LABELS, ApplicationStatus
from chuanyu.housing_fund.service import lending
from chuanyu.registry import service as registry_service
from chuanyu.registry.enums import STATUS_LABELS as LICENCE_LABELS
from chuanyu.window import progress
from chuanyu.window.enums import STATUS_LABELS, CaseStatus
from chuanyu.window.models import Case

if TYPE_CHECKING:
    from chuanyu.node import Node

log = logging.getLogger(__name__)
SERVICE = "window.my_records"

LOAN_STEP = {
    ApplicationStatus.AWAITING_CONSENT: 0,
    ApplicationStatus.CONSENT_REFUSED: 1,
    ApplicationStatus.SUBMITTED: 1,
    ApplicationStatus.CERTIFIED: 1,
    ApplicationStatus.FETCH_REFUSED: 1,
    ApplicationStatus.APPROVED: 3,
    ApplicationStatus.REJECTED: 3,
}
LOAN_NEXT = {
    ApplicationStatus.AWAITING_CONSENT: "请到缴存地公积金中心授权调取缴存使用证明。",
    ApplicationStatus.CONSENT_REFUSED: "未授权调取缴存证明，如需继续请重新申请。",
    ApplicationStatus.SUBMITTED: "已授权，贷款中心正在调取缴存使用证明，您无需操作。",
    ApplicationStatus.CERTIFIED: "已取得缴存使用证明，等待贷款审批。",
    ApplicationStatus.FETCH_REFUSED: "缴存地未出具证明，请联系缴存地公积金中心。",
    ApplicationStatus.APPROVED: "准予贷款，请按贷款中心通知签订合同。",
    ApplicationStatus.REJECTED: "不予贷款，详见申请页面的审批理由。",
}


class MyStep(BaseModel):
    """One step of the bar."""

    label: str
    state: str


class MyItem(BaseModel):
    """One record of the resident, wherever it is held."""

    kind: str  # window | loan | licence
    kind_label: str
    reference: str
    title: str
    holder: str  # the member whose node holds (and shows) the record
    status_label: str
    steps: list[MyStep]
    due_date: date | None = None
    due_provisional: bool = False
    paused: bool = False  # the time limit is not counted while a supplement is awaited
    next_step: str
    path: str  # the page on the holder's node
    needs_action: bool = False


class MyRecordsRequest(BaseModel):
    """The resident whose records the other region is asked for."""

    resident_id: str


class MyRecordsReply(BaseModel):
    """The records one region holds for the resident."""

    items: list[MyItem]


def _bar(current: int, *, skip_supplement: bool = True) -> list[MyStep]:
    bar = []
    for index, label in enumerate(progress.STEPS):
        if index == 2 and skip_supplement:
            state = "skipped"
        elif index < current:
            state = "done"
        else:
            state = "current" if index == current else "todo"
        bar.append(MyStep(label=label, state=state))
    return bar


def _case_item(case: Case, member: str) -> MyItem:
    status = CaseStatus(case.status)
    bar = progress.steps(status, (e.action for e in case.events))
    # The intake window owns the applicant's part (补正, 送达): link there.
    holder = case.intake_member if status is CaseStatus.SUPPLEMENT else member
    return MyItem(
        kind="window",
        kind_label="窗口办件",
        reference=case.case_number,
        title=case.matter_name,
        holder=holder,
        status_label=STATUS_LABELS[status],
        steps=[MyStep(label=s.label, state=s.state) for s in bar],
        due_date=None if case.finished_on or case.paused_on else case.due_date,
        due_provisional=case.due_provisional and case.finished_on is None,
        paused=case.paused_on is not None and case.finished_on is None,
        next_step=progress.next_step(status, authority_name=case.authority_name),
        path=f"/window/cases/{case.case_number}",
        needs_action=status is CaseStatus.SUPPLEMENT,
    )


def local_items(*, session: Session, member: str, resident_id: str) -> list[MyItem]:
    """The resident's records held on this node (flush-free read)."""
    rid = resident_id.strip().upper()
    if not rid:
        return []
    cases = session.scalars(
        select(Case).where(Case.applicant_id_number == rid).order_by(Case.received_at.desc())
    ).all()
    items = [_case_item(c, member) for c in cases]
    rows, _total = lending.listing(session=session, resident_id=rid, limit=100)
    for app in rows:
        status = ApplicationStatus(app.status)
        items.append(
            MyItem(
                kind="loan",
                kind_label="公积金异地贷款",
                reference=app.application_no,
                title=f"异地贷款申请 {app.amount:,.0f} 元",
                holder=member,
                status_label=APPLICATION_STATUS_LABELS[status],
                steps=_bar(LOAN_STEP[status]),
                next_step=LOAN_NEXT[status],
                path=f"/housing_fund/applications/{app.application_no}",
                needs_action=status is ApplicationStatus.AWAITING_CONSENT,
            )
        )
    for lic in registry_service.list_for_representative(session=session, resident_id=rid):
        items.append(
            MyItem(
                kind="licence",
                kind_label="营业执照",
                reference=lic.uscc,
                title=lic.name,
                holder=member,
                status_label=LICENCE_LABELS[lic.status],
                steps=_bar(5, skip_supplement=False),
                next_step="营业执照已核发，可扫描执照二维码或在核验页面查验。",
                path=f"/registry/verify?uscc={lic.uscc}",
            )
        )
    return items


def gather(*, session: Session, node: Node, resident_id: str) -> tuple[list[MyItem], str | None]:
    """This node's records and the other region's, and a notice when the other did not answer.

    `session` is a read session: it holds no lock while the peer is asked.
    """
    mine = local_items(session=session, member=node.member, resident_id=resident_id)
    peers = [m for m in node.descriptor.members if m != node.member]
    notice = None
    seen = {(i.kind, i.reference) for i in mine}
    for peer in peers:
        try:
            reply = MyRecordsReply.model_validate(
                node.exchange.call(peer, SERVICE, MyRecordsRequest(resident_id=resident_id))
            )
        except ChuanyuError as exc:
            log.warning("my records from %s unavailable: %s", peer, exc.detail)
            notice = "暂时未能取得另一地区的办件，以下仅列出本地区的记录，请稍后刷新。"
            continue
        # A cross-region case is held on both nodes: keep one line, this node's copy.
        mine += [i for i in reply.items if (i.kind, i.reference) not in seen]
    mine.sort(key=lambda i: (not i.needs_action, i.due_date or date.max, i.reference))
    return mine, notice


def answer(*, session: Session, node: Node, request: MyRecordsRequest) -> MyRecordsReply:
    """The other region asks for a resident's records held here."""
    return MyRecordsReply(
        items=local_items(session=session, member=node.member, resident_id=request.resident_id)
    )
