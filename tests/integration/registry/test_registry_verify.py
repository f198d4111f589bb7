"""Verification and revocation in the issuing region, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from chuanyu.registry import errors
from chuanyu.registry import service as registry_service
from chuanyu.registry.demo import sample_application
from chuanyu.registry.enums import LicenceStatus, VerifyOutcome
from chuanyu.registry.models import Licence
from chuanyu.registry.schemas import LicenceRead, VerifyRequest
from tests.conftest import Db

# PostgreSQL runs the tests whose behaviour depends on the database; the rest run on SQLite.
SQLITE_ONLY = pytest.mark.parametrize("db", ["sqlite"], indirect=True)


def issue(db: Db, name: str = "重庆两江验照科技有限公司") -> LicenceRead:
    with db.scope() as session:
        return registry_service.issue_licence(
            session=session,
            node=db.node,
            case_number=None,
            application=sample_application("CQ", name=name, seed=11),
        )


def check(db: Db, **request: str) -> VerifyOutcome:
    with db.scope() as session:
        result = registry_service.verify(
            session=session, node=db.node, request=VerifyRequest.model_validate(request)
        )
    return result.outcome


@SQLITE_ONLY
def test_licence_is_valid_by_code_and_by_qr_payload(db: Db) -> None:
    lic = issue(db)
    assert check(db, uscc=lic.uscc) is VerifyOutcome.VALID
    assert check(db, payload=lic.qr_payload) is VerifyOutcome.VALID


def test_revoked_licence_answers_revoked_and_cannot_be_revoked_twice(db: Db) -> None:
    lic = issue(db)
    with db.scope() as session:
        revoked = registry_service.revoke(
            session=session, node=db.node, code=lic.uscc, reason="虚假登记", actor="registrar-1"
        )
    assert revoked.status is LicenceStatus.REVOKED and revoked.revoke_reason == "虚假登记"
    assert check(db, uscc=lic.uscc) is VerifyOutcome.REVOKED
    assert check(db, payload=lic.qr_payload) is VerifyOutcome.REVOKED
    with db.scope() as session, pytest.raises(errors.AlreadyRevoked):
        registry_service.revoke(
            session=session, node=db.node, code=lic.uscc, reason="再次", actor="x")


@SQLITE_ONLY
def test_altered_payload_is_forged_and_unknown_code_is_unknown(db: Db) -> None:
    lic = issue(db)
    other = issue(db, name="重庆两江另一科技有限公司")
    altered = lic.qr_payload.replace(lic.uscc, other.uscc)
    assert check(db, payload=altered) is VerifyOutcome.FORGED
    assert check(db, payload="CYL1|garbage") is VerifyOutcome.FORGED
    unknown = lic.uscc[:10] + ("2" if lic.uscc[10] != "2" else "3") + lic.uscc[11:17]
    from stdnum.cn import uscc as stdnum_uscc

    unknown += stdnum_uscc.calc_check_digit(unknown)
    assert check(db, uscc=unknown) is VerifyOutcome.UNKNOWN


def test_record_changed_behind_the_signature_is_forged(db: Db) -> None:
    lic = issue(db)
    with db.scope() as session:
        session.execute(
            update(Licence).where(Licence.uscc == lic.uscc).values(legal_representative="冒名")
        )
    assert check(db, uscc=lic.uscc) is VerifyOutcome.FORGED


@SQLITE_ONLY
def test_code_of_a_region_outside_the_federation_is_unknown(db: Db) -> None:
    assert check(db, uscc="91110000600037341L") is VerifyOutcome.UNKNOWN


@SQLITE_ONLY
def test_revoking_an_unknown_licence_is_not_found(db: Db) -> None:
    with db.scope() as session, pytest.raises(errors.LicenceNotFound):
        registry_service.revoke(
            session=session, node=db.node, code="91110000600037341L", reason="无", actor="x"
        )
