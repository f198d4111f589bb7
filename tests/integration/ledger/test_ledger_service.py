"""Ledger use cases against a migrated database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy.exc import OperationalError

from chuanyu.core import clock
from chuanyu.exchange.models import OutboxEvent
from chuanyu.ledger import service
from chuanyu.ledger.dataset import seed_dataset
from chuanyu.ledger.errors import EntryNotFound, NotOwner
from chuanyu.ledger.providers import (
    live_metrics,
    register_live_metric,
    unregister_live_metric,
)
from chuanyu.ledger.schemas import EntryCreate, EntryUpdate
from chuanyu.ledger.service.entries import EntryFilter, apply_remote_entry
from chuanyu.registry import service as registry_service
from chuanyu.registry.demo import sample_application
from tests.conftest import Db


def _entry(**kw: object) -> EntryCreate:
    data: dict[str, object] = {
        "kind": "agreement",
        "title": "北碚区与绵阳市补充协议",
        "date": "2020-02-10",
        "parties": ["500109", "510700"],
    }
    data.update(kw)
    return EntryCreate.model_validate(data)


def test_seed_load_is_idempotent_and_publishes_each_record(db: Db) -> None:
    with db.session() as session:
        first = service.load_seed(session=session, member="CQ")
        again = service.load_seed(session=session, member="CQ")
        ds = seed_dataset()
        assert first.entries == len(ds.entries)
        assert first.figures == len(ds.figures)
        assert again.entries == 0 and again.skipped == len(ds.entries) + len(ds.figures)
        events = session.query(OutboxEvent).filter_by(stream="ledger.entries").count()
        assert events == len(ds.entries) + len(ds.figures)


def test_report_from_database_reproduces_the_fourteen_firsts(db: Db) -> None:
    with db.session() as session:
        service.load_seed(session=session, member="CQ")
        report = service.build_report_for(session=session, as_of=date(2020, 7, 8), with_live=False)
    assert report.title == "推动成渝地区双城经济圈建设的N个第一次" and report.first_count == 14
    assert all(f.entry is not None for f in report.firsts)
    totals = {t.metric: t for t in report.totals}
    assert totals["department_agreements"].reported == 85
    assert totals["department_agreements"].ledger == 3


def test_earlier_entry_moves_the_first(db: Db) -> None:
    with db.session() as session:
        service.load_seed(session=session, member="CQ")
        service.create_entry(session=session, member="CQ", data=_entry(stage=None))
        report = service.build_report_for(session=session, as_of=date(2020, 7, 8), with_live=False)
    first = next(f for f in report.firsts if f.category == "nonadjacent_city_agreement")
    # The seed's 北碚–绵阳 agreement has no date (only its stage, 2020-01-06..03-22), so a dated
    # one inside the same stage cannot be ordered against it: the report says so.
    assert first.entry is None
    assert {c.id for c in first.candidates} >= {"seed-beibei-mianyang"}
    with db.session() as session:
        service.create_entry(
            session=session, member="CQ", data=_entry(id="early", date="2020-01-04"))
        report = service.build_report_for(session=session, as_of=date(2020, 7, 8), with_live=False)
    first = next(f for f in report.firsts if f.category == "nonadjacent_city_agreement")
    assert first.entry is not None and first.entry.id == "early"


def test_only_the_owner_may_change_an_entry(db: Db) -> None:
    with db.session() as session:
        created = service.create_entry(session=session, member="SC", data=_entry())
        content = _entry().model_dump(exclude={"id"})
        update = EntryUpdate.model_validate({**content, "title": "改过的标题"})
        with pytest.raises(NotOwner):
            service.update_entry(session=session, member="CQ", entry_id=created.id, data=update)
        with pytest.raises(NotOwner):
            service.delete_entry(session=session, member="CQ", entry_id=created.id)
        service.delete_entry(session=session, member="SC", entry_id=created.id)
        with pytest.raises(EntryNotFound):
            service.get_entry(session=session, entry_id=created.id)


def test_update_bumps_version_and_replica_ignores_stale_versions(db: Db) -> None:
    with db.session() as session:
        created = service.create_entry(session=session, member="CQ", data=_entry(id="x-1"))
        payload = created.model_dump(mode="json")
        payload.update(owner="SC", id="sc-1", title="四川节点的记录", version=2)
        apply_remote_entry(session=session, producer="SC", payload=payload)
        stale = {**payload, "title": "旧版本", "version": 1}
        apply_remote_entry(session=session, producer="SC", payload=stale)
        session.commit()
        assert service.get_entry(session=session, entry_id="sc-1").title == "四川节点的记录"
        with pytest.raises(NotOwner):
            apply_remote_entry(session=session, producer="CQ", payload=payload)


def test_filters_by_stage_kind_region_party_tag_and_dates(db: Db) -> None:
    with db.session() as session:
        service.load_seed(session=session, member="CQ")
        page = service.list_entries(session=session, filters=EntryFilter(stage=1), limit=100)
        assert page.total == 7
        page = service.list_entries(session=session, filters=EntryFilter(kind="personnel_exchange"))
        assert {e.id for e in page.items} == {
            "seed-staff-cq-to-sc",
            "seed-staff-sc-to-cq",
            "seed-young-officials-plan",
        }
        page = service.list_entries(session=session, filters=EntryFilter(party="510522"))
        assert page.total == 0
        page = service.list_entries(session=session, filters=EntryFilter(party="hejiang-psb"))
        assert page.total == 2
        page = service.list_entries(session=session, filters=EntryFilter(tag="明月山"))
        assert page.total == 3
        page = service.list_entries(
            session=session,
            filters=EntryFilter(date_from=date(2020, 5, 7), date_to=date(2020, 5, 31)),
        )
        assert [e.id for e in page.items] == ["seed-staff-sc-to-cq"]
        page = service.list_entries(
            session=session, filters=EntryFilter(region="SC", kind="agreement"))
        assert page.total == 4


def test_live_counts_show_beside_published_figures(db: Db) -> None:
    def broken(session: object, as_of: object) -> int:
        raise OperationalError("select", {}, Exception("no such table"))

    before = live_metrics()  # imports the domains' own registrations first
    register_live_metric("cross_region_cases", "窗口异地件", lambda _session, _as_of: 2)
    register_live_metric("remote_loan_cases", "异地贷款", broken)
    try:
        with db.session() as session:
            service.load_seed(session=session, member="CQ")
            report = service.build_report_for(session=session, as_of=date(2020, 7, 8))
    finally:
        for metric in ("cross_region_cases", "remote_loan_cases"):
            unregister_live_metric(metric)
            if metric in before:
                register_live_metric(metric, before[metric].label, before[metric].count)
    totals = {t.metric: t for t in report.totals}
    assert totals["cross_region_cases"].live == 2
    assert totals["cross_region_cases"].reconciliation == "台账未逐条记录（公布总数 2个）"
    assert totals["remote_loan_cases"].live is None


def test_live_counts_of_a_2020_report_leave_out_later_licences(db: Db) -> None:
    app = sample_application("CQ", name="重庆潼南川渝通办测试有限公司", seed=7)
    with clock.freeze(datetime(2026, 3, 2, 10, 0, tzinfo=clock.CHINA)), db.scope() as session:
        registry_service.issue_licence(
            session=session,
            node=db.node,
            application=app,
            case_number="SC-2026-000009",
            received_member="SC",
        )
    with db.session() as session:
        service.load_seed(session=session, member="CQ")
        in_2020 = service.build_report_for(session=session, as_of=date(2020, 7, 8))
        in_2026 = service.build_report_for(session=session, as_of=date(2026, 3, 2))
    assert {t.metric: t.live for t in in_2020.totals}["cross_region_licences"] == 0
    assert {t.metric: t.live for t in in_2026.totals}["cross_region_licences"] == 1
