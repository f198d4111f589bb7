"""Demo data of the window: both regions' catalogues and a few cases received at this window."""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanyu.core.models import User
from chuanyu.core.schemas import UserRead
from chuanyu.node import Node
from chuanyu.registry.demo import person_name, resident_id, sample_application
from chuanyu.window.catalogue import starter_catalogue
from chuanyu.window.enums import Action
from chuanyu.window.models import Case
from chuanyu.window.schemas import CaseCreate, MaterialIn, TransitionIn, UploadIn
from chuanyu.window.service import act, receive
from chuanyu.window.service import catalogue as catalogue_service

DEMO_CLERK = "window_clerk"
# The enterprise registered across regions in the demo (one per receiving window).
DEMO_ENTERPRISE = {"CQ": "成都两江天府示范科技有限公司", "SC": "重庆天府两江示范科技有限公司"}
# Ordinary matters of the other region received at this window in the demo.
DEMO_MATTERS = {"CQ": ("SC-GA-001",), "SC": ("CQ-RS-001",)}
# The demo citizen account of each region acts for this resident (我的办件, online 补正).
DEMO_CITIZEN = {"CQ": "500103199001010010", "SC": "510107198803150026"}
DEMO_CITIZEN_NAME = {"CQ": "张渝川", "SC": "李蓉"}


def demo_pdf(title: str) -> bytes:
    """A one-page PDF standing in for a scanned material."""
    text = title.encode("ascii", "replace")
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"% " + text + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _request(
    session: Session, code: str, rng: random.Random, **extra: object
) -> tuple[CaseCreate, list[UploadIn]]:
    matter = catalogue_service.get_matter(session=session, code=code)
    uploads = [
        UploadIn(
            material_code=m["code"],
            filename=f"{m['code']}.pdf",
            content_type="application/pdf",
            content=demo_pdf(f"{code} {m['code']}"),
        )
        for m in matter.materials
    ]
    ticks = [MaterialIn(code=m["code"], original_sighted=True) for m in matter.materials]
    data = CaseCreate.model_validate(
        {
            "matter_code": code,
            "authority_member": matter.member,
            "applicant": {"name": person_name(rng), "id_number": resident_id(rng)},
            "materials": ticks,
            "note": "演示办件",
            **extra,
        }
    )
    return data, uploads


def _citizen_case(session: Session, node: Node, clerk: UserRead) -> str:
    """Bind the demo citizen to a resident ID and give them a case waiting for a supplement."""
    account = session.scalar(select(User).where(User.username == f"{node.member.lower()}-citizen"))
    if account is None:
        return ""
    resident = DEMO_CITIZEN[node.member]
    if not account.subject_id:
        account.subject_id = resident
        account.display_name = DEMO_CITIZEN_NAME[node.member]
    if session.scalar(select(Case.id).where(Case.applicant_id_number == resident)) is not None:
        return ""
    applicant = {"name": DEMO_CITIZEN_NAME[node.member], "id_number": resident}
    data, uploads = _request(
        session, f"{node.member}-RS-001", random.Random(resident), applicant=applicant
    )
    case = receive(session=session, node=node, user=clerk, data=data, uploads=uploads,
                end_unit=session.commit)
    act(
        session=session,
        node=node,
        user=clerk,
        case_number=case.case_number,
        action=Action.REQUEST_SUPPLEMENT,
        data=TransitionIn(
            note="补换申请表缺少申请人本人签名，请签名后扫描上传",
            materials=["application_form"],
            repeat_reason=None,
        ),
    )
    return f"; {account.username} ({resident}) has {case.case_number} waiting for a supplement"


def load_demo(session: Session, node: Node) -> str:
    """Load this region's catalogue and receive two applications for the other region."""
    count = catalogue_service.load_catalogue(
        session=session, node=node, catalogue=starter_catalogue(node.member)
    )
    peer = "SC" if node.member == "CQ" else "CQ"
    catalogue_service.seed_peer_copy(session=session, peer=peer)
    session.flush()
    clerk = UserRead(
        id=0,
        username=f"{node.member.lower()}-{DEMO_CLERK}",
        display_name=f"演示-{node.member}-窗口",
        roles=[DEMO_CLERK],
        member=node.member,
    )
    mine = _citizen_case(session, node, clerk)
    if session.scalar(select(Case.id).where(Case.received_by == clerk.username,
                                            Case.applicant_id_number != DEMO_CITIZEN[node.member]
                                            )) is not None:  # fmt: skip
        return f"catalogue {count} matters; demo cases already present{mine}"
    rng = random.Random(f"window-{node.member}")
    numbers = []
    for code in DEMO_MATTERS[node.member]:
        data, uploads = _request(session, code, rng)
        numbers.append(receive(session=session, node=node, user=clerk, data=data, uploads=uploads,
                end_unit=session.commit))
    application = sample_application(peer, name=DEMO_ENTERPRISE[node.member], seed=11)
    data, uploads = _request(
        session, f"{peer}-SCJG-001", rng, application=application.model_dump(mode="json")
    )
    numbers.append(receive(session=session, node=node, user=clerk, data=data, uploads=uploads,
                end_unit=session.commit))
    listed = ", ".join(c.case_number for c in numbers)
    return f"catalogue {count} matters; cases received for {peer}: {listed}{mine}"
