"""Self-service on one node: 我的办件, online 补正 (signed in and by tracking), receipt and
decision PDFs."""

from __future__ import annotations

import re

from sqlalchemy import select

from chuanyu.core.db import write_scope
from chuanyu.core.identifiers import mask_resident_id
from chuanyu.registry.document import qr_data_uri
from chuanyu.window import document
from chuanyu.window import service as window_service
from chuanyu.window.enums import Action
from chuanyu.window.models import Case, PendingUpload
from chuanyu.window.schemas import TransitionIn
from tests.conftest import AppClient
from tests.integration.window.window_helpers import (
    APPLICANT_ID,
    PDF,
    complete_request,
    load_both_catalogues,
    user,
)

CLERK = user("window_clerk", "CQ")
PNG = b"\x89PNG\r\n\x1a\n" + b"1" * 64


def _case_waiting_for(client: AppClient, *materials: str) -> str:
    """A CQ matter received and decided at CQ, now waiting for `materials`."""
    with write_scope(client.node) as session:
        load_both_catalogues(session, client.node)
        data, uploads = complete_request(session, "CQ-RS-001")
        case = window_service.receive(
            session=session, node=client.node, user=CLERK, data=data, uploads=uploads
        )
        number = case.case_number
        window_service.act(
            session=session, node=client.node, user=CLERK, case_number=number,
            action=Action.REQUEST_SUPPLEMENT,
            data=TransitionIn(note="申请表缺少本人签名", materials=list(materials),
                              repeat_reason=None),
        )  # fmt: skip
    return number


def _case(client: AppClient, number: str) -> Case:
    with write_scope(client.node) as session:
        case = session.scalar(select(Case).where(Case.case_number == number))
        assert case is not None
        session.expunge(case)
        return case


def _pending(client: AppClient, number: str) -> list[str]:
    with write_scope(client.node) as session:
        case_id = session.scalar(select(Case.id).where(Case.case_number == number))
        rows = session.scalars(select(PendingUpload).where(PendingUpload.case_id == case_id))
        return sorted(r.filename for r in rows)


def test_my_cases_lists_the_case_with_its_step_and_next_action(client: AppClient) -> None:
    number = _case_waiting_for(client, "application_form")
    client.page_login("citizen", subject_id=APPLICANT_ID)
    page = client.get("/window/my").text
    item = page[page.index(f'data-reference="{number}"'):]
    assert "待补正" in item and "去补正" in item and "办理时限暂停计算" in item
    current = re.search(r'<li class="current" aria-current="step">([^<]+)', item)
    assert current is not None and current.group(1) == "补正"
    # The other region (no node running in this test) is reported, not hidden.
    assert "暂时未能取得另一地区的办件" in page


def test_my_cases_asks_an_unbound_account_to_bind(client: AppClient) -> None:
    client.page_login("citizen")
    assert "尚未绑定居民身份证号码" in client.get("/window/my").text


def test_citizen_supplies_online_and_uploads_survive_a_refused_submission(
    client: AppClient,
) -> None:
    number = _case_waiting_for(client, "application_form", "id_card")
    client.page_login("citizen", subject_id=APPLICANT_ID)
    page = client.get(f"/window/cases/{number}").text
    assert "申请表缺少本人签名" in page and "社会保障卡补换申请表" in page

    wrong = client.post(f"/window/cases/{number}/supplement", data={"intent": "upload"},
                        files={"file.id_card": ("id.pdf", b"not a pdf", "application/pdf")})
    assert wrong.status_code == 422 and "文件类型不允许" in wrong.text

    partial = client.post(
        f"/window/cases/{number}/supplement", data={"intent": "submit"},
        files={"file.application_form": ("签名申请表.pdf", PDF + b"signed", "application/pdf")},
    )  # fmt: skip
    assert partial.status_code == 422 and "须补正材料：居民身份证" in partial.text
    assert "签名申请表.pdf" in partial.text  # kept, shown as waiting to be submitted
    assert _pending(client, number) == ["签名申请表.pdf"]
    assert _case(client, number).status == "supplement_requested"

    done = client.post(f"/window/cases/{number}/supplement", data={"intent": "submit"},
                       files={"file.id_card": ("身份证.png", PNG, "image/png")},
                       follow_redirects=False)  # fmt: skip
    assert done.status_code == 303, done.text
    case = _case(client, number)
    assert case.status == "accepted" and case.paused_on is None
    assert _pending(client, number) == []
    page = client.get(f"/window/cases/{number}").text
    assert "补正材料" in page and "身份证.png" in page and "签名申请表.pdf" in page
    # The deciding side sees the case back in its queue.
    client.page_login("window_clerk")
    queue = client.get("/window/officer").text
    row = queue[queue.index(f'data-case="{number}"'):]
    assert "申请人已补正" in row[: row.index("</tr>")]


def test_pending_upload_can_be_removed(client: AppClient) -> None:
    number = _case_waiting_for(client, "application_form")
    client.page_login("citizen", subject_id=APPLICANT_ID)
    client.post(f"/window/cases/{number}/supplement", data={"intent": "upload"},
                files={"file.application_form": ("错的.pdf", PDF + b"x", "application/pdf")})
    with write_scope(client.node) as session:
        pending_id = session.scalar(select(PendingUpload.id))
    client.post(f"/window/cases/{number}/supplement", data={"remove": str(pending_id)})
    assert _pending(client, number) == []


def test_supplement_through_the_tracking_page_without_an_account(client: AppClient) -> None:
    number = _case_waiting_for(client, "application_form")
    prefilled = client.get(f"/window/track?case_number={number}").text
    assert f'value="{number}"' in prefilled
    factors = {"case_number": number, "id_number": APPLICANT_ID}
    tracked = client.post("/window/track", data=factors).text
    assert "申请表缺少本人签名" in tracked and 'action="/window/track/supplement"' in tracked
    wrong_id = client.post("/window/track/supplement",
                           data={**factors, "id_number": "11010519491231002X"})  # fmt: skip
    assert wrong_id.status_code == 404
    assert APPLICANT_ID not in tracked  # the forms carry a signed pass, not the ID number
    found = re.search(r'name="pass" value="([^"]+)"', tracked)
    assert found is not None
    forged = client.post("/window/track/supplement", data={"pass": found.group(1) + "x"})
    assert forged.status_code == 404
    done = client.post(
        "/window/track/supplement", data={"pass": found.group(1), "intent": "submit"},
        files={"file.application_form": ("申请表.pdf", PDF + b"ok", "application/pdf")},
    )  # fmt: skip
    assert done.status_code == 200 and "补正材料已提交" in done.text
    assert _case(client, number).status == "accepted"
    with write_scope(client.node) as session:
        row = session.scalar(select(Case).where(Case.case_number == number))
        assert row is not None
        event = row.events[-1]
        assert event.action == "supply" and event.actor_name == "申请人 王小川"


def test_receipt_pdf_has_reference_masked_id_due_date_and_tracking_qr(client: AppClient) -> None:
    number = _case_waiting_for(client, "application_form")
    client.page_login("citizen", subject_id=APPLICANT_ID)
    case = window_service.read_case(
        session=client.node.sessions(), user=user("citizen", "CQ", subject_id=APPLICANT_ID),
        case_number=number,
    )  # fmt: skip
    html = document.receipt_html(client.node, case)
    url = document.tracking_url(client.node, number)
    assert url.endswith(f"/window/track?case_number={number}")
    assert number in html and mask_resident_id(APPLICANT_ID) in html
    assert APPLICANT_ID not in html
    assert "12345" in html and "川渝通办综合窗口" in html
    due = case.due_date
    assert f"{due.year}年{due.month}月{due.day}日" in html
    assert qr_data_uri(url) in html
    first = client.get(f"/window/cases/{number}/receipt.pdf")
    assert first.status_code == 200 and first.headers["content-type"] == "application/pdf"
    assert first.content.startswith(b"%PDF")
    assert client.get(f"/window/cases/{number}/receipt.pdf").content == first.content
    anonymous = client.post("/window/track/receipt.pdf",
                            data={"case_number": number, "id_number": APPLICANT_ID})  # fmt: skip
    assert anonymous.status_code == 200 and anonymous.content.startswith(b"%PDF")


def _decide(client: AppClient, number: str, *steps: tuple[Action, str | None]) -> None:
    with write_scope(client.node) as session:
        for action, note in steps:
            window_service.act(
                session=session, node=client.node, user=CLERK, case_number=number, action=action,
                data=TransitionIn(note=note, repeat_reason=None),
            )  # fmt: skip


def _received(client: AppClient) -> str:
    with write_scope(client.node) as session:
        load_both_catalogues(session, client.node)
        data, uploads = complete_request(session, "CQ-RS-001")
        case = window_service.receive(
            session=session, node=client.node, user=CLERK, data=data, uploads=uploads
        )
        return case.case_number


def test_decision_letter_once_decided(client: AppClient) -> None:
    number = _received(client)
    client.page_login("citizen", subject_id=APPLICANT_ID)
    early = client.get(f"/window/cases/{number}/decision.pdf")
    assert early.status_code == 422 and "尚未作出决定" in early.text
    _decide(client, number, (Action.ACCEPT, None), (Action.APPROVE, "材料齐全"))
    page = client.get(f"/window/cases/{number}").text
    assert "办结通知书" in page and "decision.pdf" in page
    pdf = client.get(f"/window/cases/{number}/decision.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    case = window_service.read_case(
        session=client.node.sessions(), user=user("citizen", "CQ", subject_id=APPLICANT_ID),
        case_number=number,
    )  # fmt: skip
    html = document.decision_html(client.node, case)
    assert "办 结 通 知 书" in html and "准予办理" in html and number in html


def test_refusal_letter_states_reason_and_remedies(client: AppClient) -> None:
    number = _received(client)
    _decide(client, number, (Action.REJECT, "申请人不属于本事项的办理对象"))
    client.page_login("citizen", subject_id=APPLICANT_ID)
    case = window_service.read_case(
        session=client.node.sessions(), user=user("citizen", "CQ", subject_id=APPLICANT_ID),
        case_number=number,
    )  # fmt: skip
    html = document.decision_html(client.node, case)
    assert "不予办理决定书" in html and "申请人不属于本事项的办理对象" in html
    assert "行政复议" in html and "行政诉讼" in html
    tracked = client.post("/window/track/decision.pdf",
                          data={"case_number": number, "id_number": APPLICANT_ID})  # fmt: skip
    assert tracked.status_code == 200 and tracked.content.startswith(b"%PDF")


def test_demo_citizen_has_a_case_waiting_for_a_supplement(client: AppClient) -> None:
    from chuanyu.core.models import User
    from chuanyu.core.security import create_user
    from chuanyu.window import demo

    with write_scope(client.node) as session:
        create_user(
            session=session, username="cq-citizen", password="chuanyu-demo", roles=["citizen"]
        )
    for _ in range(2):  # loading twice adds nothing
        with write_scope(client.node) as session:
            demo.load_demo(session, client.node)
    with write_scope(client.node) as session:
        account = session.scalar(select(User).where(User.username == "cq-citizen"))
        assert account is not None and account.subject_id == demo.DEMO_CITIZEN["CQ"]
        cases = session.scalars(
            select(Case).where(Case.applicant_id_number == demo.DEMO_CITIZEN["CQ"])
        ).all()
        assert [c.status for c in cases] == ["supplement_requested"]
