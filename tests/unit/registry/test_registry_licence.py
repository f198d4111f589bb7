"""The licence check both regions run: valid, revoked, unknown, forged."""

from __future__ import annotations

import pytest

from chuanyu.exchange import signing
from chuanyu.registry import licence
from chuanyu.registry.enums import LicenceStatus, VerifyOutcome
from chuanyu.registry.schemas import LicenceFacts

KEYS = {"SC": signing.generate_key(), "CQ": signing.generate_key()}


def check(member: str, message: bytes, signature: str) -> bool:
    key = KEYS.get(member)
    return key is not None and signing.verify(key.public_key(), signature, message)


FACTS = LicenceFacts(
    uscc="91510107MA6CU8JX3R",
    name="成都蓉渝通科技有限公司",
    enterprise_type="有限责任公司(自然人投资或控股)",
    legal_representative="张三",
    registered_capital="1000000.00",
    business_scope="软件开发；信息技术咨询服务",
    established_date="2020-07-01",
    operating_from="2020-07-01",
    operating_until=None,
    domicile="成都市武侯区天府大道中段1号",
    authority_name="成都市武侯区市场监督管理局",
    authority_division_code="510107",
    issuer_member="SC",
    issued_date="2020-07-01",
)


def issue(
    facts: LicenceFacts = FACTS, signer: str = "SC"
) -> tuple[licence.Record, licence.QrPayload]:
    digest = licence.digest(facts)
    message = licence.signed_message(
        code=facts.uscc, issuer=facts.issuer_member, facts_digest=digest
    )
    signature = signing.sign(KEYS[signer], message)
    record = licence.Record(facts, digest, signature, LicenceStatus.ACTIVE)
    return record, licence.QrPayload(facts.uscc, facts.issuer_member, digest, signature)


def test_genuine_licence_is_valid_by_record_and_by_payload() -> None:
    record, payload = issue()
    assert licence.assess(record=record, payload=None, check=check).outcome is VerifyOutcome.VALID
    outcome = licence.assess(record=record, payload=payload, check=check).outcome
    assert outcome is VerifyOutcome.VALID


def test_revoked_licence_answers_revoked() -> None:
    record, payload = issue()
    revoked = licence.Record(record.facts, record.digest, record.signature, LicenceStatus.REVOKED)
    result = licence.assess(record=revoked, payload=payload, check=check)
    assert result.outcome is VerifyOutcome.REVOKED


def test_missing_record_answers_unknown() -> None:
    assert licence.assess(record=None, payload=None, check=check).outcome is VerifyOutcome.UNKNOWN


@pytest.mark.parametrize("field", ["uscc", "digest", "signature", "issuer"])
def test_any_altered_payload_field_is_forged(field: str) -> None:
    record, payload = issue()
    value = getattr(payload, field)
    swapped = (
        "CQ" if field == "issuer" else value[:5] + ("A" if value[5] != "A" else "B") + value[6:]
    )
    altered = licence.QrPayload(**{**payload.__dict__, field: swapped})
    result = licence.assess(record=record, payload=altered, check=check)
    assert result.outcome is VerifyOutcome.FORGED


def test_altered_payload_of_a_revoked_licence_is_still_forged() -> None:
    record, payload = issue()
    revoked = licence.Record(record.facts, record.digest, record.signature, LicenceStatus.REVOKED)
    altered = licence.QrPayload(payload.uscc, payload.issuer, "0" * 64, payload.signature)
    assert licence.assess(record=revoked, payload=altered, check=check).outcome is (
        VerifyOutcome.FORGED
    )


def test_record_altered_after_signing_is_forged() -> None:
    record, _ = issue()
    tampered = record.facts.model_copy(update={"registered_capital": "9000000.00"})
    bad = licence.Record(tampered, record.digest, record.signature, LicenceStatus.ACTIVE)
    assert licence.assess(record=bad, payload=None, check=check).outcome is VerifyOutcome.FORGED


def test_licence_signed_by_the_other_region_is_forged() -> None:
    record, payload = issue(signer="CQ")
    assert licence.assess(record=record, payload=None, check=check).outcome is (
        VerifyOutcome.FORGED
    )
    assert licence.assess(record=None, payload=payload, check=check).outcome is (
        VerifyOutcome.FORGED
    )


def test_genuine_payload_of_another_genuine_licence_does_not_match() -> None:
    record, _ = issue()
    other_facts = FACTS.model_copy(update={"name": "成都蓉渝通数据有限公司"})
    _, other_payload = issue(other_facts)
    result = licence.assess(record=record, payload=other_payload, check=check)
    assert result.outcome is VerifyOutcome.FORGED


def test_payload_round_trip_and_garbage() -> None:
    _, payload = issue()
    assert licence.parse_payload(payload.encode()) == payload
    with pytest.raises(licence.PayloadError):
        licence.parse_payload("https://example.invalid/not-a-licence")
    with pytest.raises(licence.PayloadError):
        licence.parse_payload("CYL1|a||c|d")


def test_canonical_form_is_stable_and_sorted() -> None:
    first = licence.canonical(FACTS)
    assert first == licence.canonical(LicenceFacts.model_validate_json(FACTS.model_dump_json()))
    assert first.startswith(b'{"authority_division_code":"510107"')
