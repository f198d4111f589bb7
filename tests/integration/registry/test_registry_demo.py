"""Demo data loads once per region and issues verifiable licences."""

from __future__ import annotations

import pytest

from chuanyu.registry import service as registry_service
from chuanyu.registry.demo import DEMO_NAMES, load_demo
from chuanyu.registry.enums import VerifyOutcome
from chuanyu.registry.schemas import VerifyRequest
from tests.conftest import Db


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_demo_licences_load_once_and_verify(db: Db) -> None:
    with db.scope() as session:
        assert load_demo(session, db.node).startswith(f"{len(DEMO_NAMES['CQ'])} 张")
    with db.scope() as session:
        assert load_demo(session, db.node).startswith("0 张")
        page = registry_service.list_licences(session=session)
    assert page.total == len(DEMO_NAMES["CQ"])
    for lic in page.items:
        with db.scope() as session:
            result = registry_service.verify(
                session=session, node=db.node, request=VerifyRequest(payload=lic.qr_payload)
            )
        assert result.outcome is VerifyOutcome.VALID
