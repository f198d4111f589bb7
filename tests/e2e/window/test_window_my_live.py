"""我的办件 on two live nodes: a resident signed in at CQ sees their records held in Sichuan."""

from __future__ import annotations

import httpx

from chuanyu.registry.demo import sample_application
from chuanyu.window import service as window_service
from chuanyu.window.service import catalogue as catalogue_service
from chuanyu.window.service.mine import MyRecordsReply, MyRecordsRequest
from tests.integration.window.window_helpers import complete_request, load_both_catalogues, user
from tests.support.nodes import LiveFederation

RESIDENT = "510107198803150026"


def test_my_cases_gathers_both_regions(live_nodes: LiveFederation) -> None:
    cq, sc = live_nodes.cq, live_nodes.sc
    with sc.session() as session:
        load_both_catalogues(session, sc.node)
        data, uploads = complete_request(session, "SC-RS-001", name="李蓉", id_number=RESIDENT)
        sc_case = window_service.receive(
            session=session,
            node=sc.node,
            user=user("window_clerk", "SC"),
            data=data,
            uploads=uploads,
        ).case_number
    with cq.session() as session:
        load_both_catalogues(session, cq.node)
        data, uploads = complete_request(session, "CQ-RS-001", name="李蓉", id_number=RESIDENT)
        cq_case = window_service.receive(
            session=session,
            node=cq.node,
            user=user("window_clerk", "CQ"),
            data=data,
            uploads=uploads,
        ).case_number
        assert catalogue_service.get_matter(session=session, code="SC-RS-001").member == "SC"
    application = sample_application("SC", name="成都天府我的办件科技有限公司", seed=31)
    application.legal_representative.id_number = RESIDENT
    issued = httpx.post(f"{sc.url}/api/registry/licences", headers=sc.headers("registrar"),
                        json={"application": application.model_dump(mode="json")},
                        timeout=30)  # fmt: skip
    assert issued.status_code == 201, issued.text
    uscc = issued.json()["uscc"]

    # The exchange service answers only for the resident asked about.
    reply = MyRecordsReply.model_validate(
        cq.node.exchange.call("SC", "window.my_records", MyRecordsRequest(resident_id=RESIDENT))
    )
    assert {i.reference for i in reply.items} == {sc_case, uscc}

    page = httpx.get(f"{cq.url}/window/my", headers=cq.headers("citizen", RESIDENT), timeout=30)
    assert page.status_code == 200, page.text
    for reference in (sc_case, cq_case, uscc):
        assert f'data-reference="{reference}"' in page.text
    assert "暂时未能取得另一地区的办件" not in page.text
    assert f"{sc.url}/window/cases/{sc_case}" in page.text  # opens where the case is held
    assert "成都天府我的办件科技有限公司" in page.text
    other = httpx.get(f"{cq.url}/window/my", headers=cq.headers("citizen", "500103199001010010"))
    assert sc_case not in other.text and uscc not in other.text
