"""Personal-data declarations: who a message is about, on what ground, and the audit hash."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chuanyu.exchange import audit, datalog, registry
from chuanyu.exchange.models import AuditEntry
from chuanyu.exchange.registry import PersonalData

RID = "500101198805160018"


@pytest.fixture
def declared() -> Any:
    specs = {
        "test.read": PersonalData(subject=lambda d: d["person"], basis=lambda _d: "consent:abc",
                                  fields=("name",), purpose="测试"),
        "test.case": PersonalData(subject=lambda _d: "", lookup=lambda _s, d: d["case"],
                                  basis=lambda _d: "applicant_request", fields=(), purpose="测试"),
    }
    registry.PERSONAL.update(specs)
    yield
    for key in specs:
        registry.PERSONAL.pop(key)


def test_carried_names_the_person_and_the_basis(declared: Any) -> None:
    assert registry.carried("test.read", {"person": RID.lower()}) == (RID.upper(), "consent:abc")
    assert registry.carried("test.read", {}) == ("", "")  # a malformed payload names nobody
    assert registry.carried("exchange.ping", {"person": RID}) == ("", "")


def test_a_record_named_by_number_is_looked_up_only_with_a_session(declared: Any) -> None:
    assert registry.carried("test.case", {"case": RID}) == ("", "applicant_request")
    found = registry.carried("test.case", {"case": RID}, session=object())  # type: ignore[arg-type]
    assert found == (RID, "applicant_request")


def entry(**kw: Any) -> AuditEntry:
    values: dict[str, Any] = {
        "position": 1, "at": datetime(2026, 12, 1, tzinfo=UTC), "direction": "in", "peer": "SC",
        "kind": "call", "name": "housing_fund.certificate", "message_id": "m1", "digest": "d",
        "outcome": "ok", "detail": "", "prev_hash": audit.GENESIS, **kw}
    return AuditEntry(**values)


def test_entries_without_a_person_hash_as_before_and_the_person_is_covered() -> None:
    plain = audit.entry_hash(entry())
    assert audit.entry_hash(entry(subject="", basis="")) == plain
    named = audit.entry_hash(entry(subject=RID, basis="consent:abc"))
    assert named != plain
    assert audit.entry_hash(entry(subject=RID, basis="consent:xyz")) != named


def test_basis_labels_read_for_the_person() -> None:
    assert datalog._basis_label("consent:0123456789abcdef")[1] == "0123456789abcdef"
    assert datalog._basis_label("applicant_request") == ("本人申请（依申请转交）", None)
    assert datalog._basis_label("")[0].startswith("无")
