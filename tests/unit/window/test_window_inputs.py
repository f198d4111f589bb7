"""Catalogue data, identity numbers and uploaded files: what is accepted and what is refused."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
from stdnum.cn import ric, uscc

from chuanyu.core.errors import InvalidInput
from chuanyu.core.identifiers import normalize_resident_id
from chuanyu.registry import uscc as registry_uscc
from chuanyu.window.catalogue import parse_catalogue, starter_catalogue
from chuanyu.window.enums import HandlingMode, PayloadKind
from chuanyu.window.uploads import check_file

PDF = b"%PDF-1.7\n" + b"x" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"x" * 100


def resident_id(prefix17: str) -> str:
    return prefix17 + ric.calc_check_digit(prefix17 + "0")


@pytest.mark.parametrize("member", ["CQ", "SC"])
def test_starter_catalogue_is_valid_and_regional(member: str) -> None:
    catalogue = starter_catalogue(member)
    assert catalogue.member == member
    assert all(m.member == member and m.code.startswith(member) for m in catalogue.matters)
    modes = {m.mode for m in catalogue.matters}
    assert modes == set(HandlingMode)
    registration = [m for m in catalogue.matters if m.payload is PayloadKind.BUSINESS_REGISTRATION]
    assert len(registration) == 1 and registration[0].officer_role == "registrar"
    assert any(m.original_required for m in registration[0].materials)
    id_card = next(m for m in catalogue.matters if "身份证" in m.name)
    assert id_card.total_fee == Decimal("20.00")


def test_catalogue_refuses_a_matter_of_the_other_region() -> None:
    data = starter_catalogue("CQ").model_dump(mode="json")
    bad = copy.deepcopy(data)
    bad["matters"][0]["authority"]["division_code"] = "510100"
    with pytest.raises(InvalidInput) as caught:
        parse_catalogue(bad)
    assert any("CQ" in e.message for e in caught.value.errors)


def test_catalogue_refuses_unknown_division_and_negative_fee() -> None:
    data = starter_catalogue("SC").model_dump(mode="json")
    data["matters"][1]["authority"]["division_code"] = "519999"
    data["matters"][2]["fees"] = [{"item": "工本费", "amount": "-1"}]
    with pytest.raises(InvalidInput) as caught:
        parse_catalogue(data)
    fields = {e.field for e in caught.value.errors}
    assert "matters.1.authority.division_code" in fields
    assert "matters.2.fees.0.amount" in fields


def test_resident_id_is_checked() -> None:
    good = resident_id("50010619980307123")
    assert normalize_resident_id(good) == good
    broken = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValueError, match="校验码"):
        normalize_resident_id(broken)
    with pytest.raises(ValueError, match="18 位"):
        normalize_resident_id("5001061998")


def test_uscc_is_checked_including_codes_stdnum_refuses() -> None:
    assert registry_uscc.validate("91110000600037341L") == "91110000600037341L"
    body = "Y1500106MA5U7X8K0"
    code = body + uscc.calc_check_digit(body)
    assert registry_uscc.validate(code) == code
    with pytest.raises(ValueError, match="校验"):
        registry_uscc.validate("91110000600037341M")
    with pytest.raises(ValueError, match="不含"):
        registry_uscc.validate("9111000060003734IO")


def test_accepted_files_carry_digest_and_real_type() -> None:
    checked = check_file("申请书.pdf", "application/pdf", PDF)
    assert not isinstance(checked, str)
    assert checked.content_type == "application/pdf" and checked.size == len(PDF)
    assert len(checked.sha256) == 64
    photo = check_file("C:\\scan\\photo.PNG", None, PNG)
    assert not isinstance(photo, str) and photo.filename == "photo.PNG"


@pytest.mark.parametrize(
    ("name", "declared", "content", "reason"),
    [
        ("a.pdf", "application/pdf", b"", "为空"),
        ("a.pdf", "application/pdf", PDF * 1000, "过大"),
        ("a.exe", "application/pdf", b"MZ\x90\x00" * 10, "不允许"),
        ("a.pdf", "image/png", PDF, "不符"),
        ("a.png", "application/pdf", PDF, "扩展名"),
    ],
)
def test_refused_files_say_why(name: str, declared: str, content: bytes, reason: str) -> None:
    result = check_file(name, declared, content, max_bytes=50_000)
    assert isinstance(result, str) and reason in result
