"""Issuing licences against SQLite and PostgreSQL: codes, signatures, names, jurisdiction."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from stdnum.cn import uscc as stdnum_uscc

from chuanyu.ledger.providers import live_counts
from chuanyu.registry import errors, licence, uscc
from chuanyu.registry import service as registry_service
from chuanyu.registry.demo import sample_application
from chuanyu.registry.models import Licence
from chuanyu.registry.service import issue as issue_module
from chuanyu.registry.service.issue import facts_of
from tests.conftest import Db

# PostgreSQL runs the tests whose behaviour depends on the database; the rest run on SQLite.
SQLITE_ONLY = pytest.mark.parametrize("db", ["sqlite"], indirect=True)


def test_issued_licence_has_a_valid_code_of_the_authority_and_a_node_signature(db: Db) -> None:
    app = sample_application("CQ", name="重庆两江川渝数智科技有限公司", seed=1)
    with db.scope() as session:
        lic = registry_service.issue_licence(
            session=session,
            node=db.node,
            application=app,
            case_number="SC-2026-000001",
            received_member="SC",
        )
    assert stdnum_uscc.is_valid(lic.uscc)
    assert uscc.validate(lic.uscc, check_org_code=True) == lic.uscc
    assert lic.uscc[2:8] == app.domicile.division_code == lic.authority_division_code
    assert lic.cross_region and lic.received_member == "SC" and lic.issuer_member == "CQ"
    with db.scope() as session:
        row = session.scalars(select(Licence).where(Licence.uscc == lic.uscc)).one()
        assert licence.digest(facts_of(row)) == row.digest == lic.digest
        message = licence.signed_message(code=row.uscc, issuer="CQ", facts_digest=row.digest)
        assert db.node.verify("CQ", row.signature, message)
        assert not db.node.verify("SC", row.signature, message)
        assert registry_service.count_cross_region(session=session, issuer="CQ") == 1
        assert live_counts(session)["cross_region_licences"] == 1


def test_same_name_is_refused_naming_the_holder(db: Db) -> None:
    with db.scope() as session:
        first = registry_service.issue_licence(
            session=session,
            node=db.node,
            application=sample_application("CQ", name="重庆潼遂物流有限公司", seed=2),
            case_number=None,
        )
    with db.scope() as session, pytest.raises(errors.NameTaken) as refused:
        registry_service.check_name(session=session, name=" 重庆潼遂物流 有限公司")
    assert first.uscc in refused.value.detail and "重庆潼遂物流有限公司" in refused.value.detail
    assert refused.value.errors[0].field == "name"
    again = sample_application("CQ", name="重庆潼遂物流有限公司", seed=3)
    with db.scope() as session, pytest.raises(errors.NameTaken):
        registry_service.issue_licence(
            session=session, node=db.node, application=again, case_number=None)
    with db.scope() as session:
        assert registry_service.list_licences(session=session).total == 1


@SQLITE_ONLY
def test_domicile_in_the_other_region_is_refused(db: Db) -> None:
    app = sample_application("SC", name="成都天府渝川软件有限公司", seed=4)
    with db.scope() as session, pytest.raises(errors.OutsideJurisdiction) as refused:
        registry_service.issue_licence(
            session=session, node=db.node, application=app, case_number=None)
    assert refused.value.errors[0].field == "domicile.division_code"
    with db.scope() as session:
        assert registry_service.list_licences(session=session).total == 0


@SQLITE_ONLY
def test_a_case_issues_one_licence_only(db: Db) -> None:
    with db.scope() as session:
        registry_service.issue_licence(
            session=session,
            node=db.node,
            case_number="SC-1",
            application=sample_application("CQ", name="重庆川渝甲科技有限公司", seed=5),
        )
    with db.scope() as session, pytest.raises(errors.CaseAlreadyLicensed):
        registry_service.issue_licence(
            session=session,
            node=db.node,
            case_number="SC-1",
            application=sample_application("CQ", name="重庆川渝乙科技有限公司", seed=6),
        )


def scripted(bodies: list[str]) -> Callable[[int], int]:
    """A `randbelow` whose successive 6-character draws spell out `bodies`."""
    draws = itertools.chain.from_iterable((uscc.ALPHABET.index(c) for c in body) for body in bodies)
    return lambda _n: next(draws)


def test_code_collision_is_retried_under_the_unique_constraint(
    db: Db, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(issue_module, "draw_index", scripted(["AAAAAA", "AAAAAA", "BBBBBB"]))
    with db.scope() as session:
        first = registry_service.issue_licence(
            session=session,
            node=db.node,
            case_number=None,
            application=sample_application("CQ", name="重庆川渝丙科技有限公司", seed=7),
        )
    with db.scope() as session:
        second = registry_service.issue_licence(
            session=session,
            node=db.node,
            case_number=None,
            application=sample_application("CQ", name="重庆川渝丁科技有限公司", seed=7),
        )
    assert first.uscc[8:14] == "MAAAAA" and second.uscc[8:14] == "MABBBB"
    with db.scope() as session:
        assert registry_service.list_licences(session=session).total == 2


@SQLITE_ONLY
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(draws=st.lists(st.sampled_from(["000001", "000002", "000003"]), min_size=6, max_size=6))
def test_codes_stay_valid_and_unique_when_draws_repeat(db: Db, draws: list[str]) -> None:
    """With few possible bodies (same authority), retries must still yield distinct codes."""
    codes: set[str] = set()
    rng = scripted(draws + ["000004", "000005", "000006"])
    with db.scope() as session:
        session.execute(Licence.__table__.delete())
        for index in range(3):
            app = sample_application(
                "CQ", name=f"重庆川渝{'戊己庚'[index]}科技有限公司", seed=index
            )
            row = issue_module._build(
                node=db.node,
                application=app,
                authority=issue_module.authority_for(app.domicile.division_code),
                case_number=None,
                received_member="CQ",
            )
            code = issue_module.insert_with_fresh_code(
                session, row, node=db.node, category="1", randbelow=rng
            )
            assert uscc.validate(code, check_org_code=True) == code
            codes.add(code)
    assert len(codes) == 3
