"""The registration application: field-level refusals with readable messages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError
from stdnum.cn import ric

from chuanyu.registry.schemas import RegistrationApplication, VerifyRequest


def resident_id(prefix: str) -> str:
    """A valid resident ID from 17 digits."""
    return prefix + ric.calc_check_digit(prefix + "0")


ZHANG = resident_id("51010719900307123")
LI = resident_id("50011219990512234")


def application(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "enterprise_type": "有限责任公司(自然人投资或控股)",
        "name": "成都蓉渝通科技有限公司",
        "registered_capital": "1000000",
        "legal_representative": {"name": "张三", "id_number": ZHANG},
        "domicile": {"address": "天府大道中段1号", "division_code": "510107"},
        "business_scope": "软件开发；信息技术咨询服务",
        "investors": [
            {"name": "张三", "id_number": ZHANG, "subscribed_amount": "600000"},
            {"name": "李四", "id_number": LI, "subscribed_amount": "400000.00"},
        ],
    }
    base.update(changes)
    return base


def errors_of(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        RegistrationApplication.model_validate(data)
    return {".".join(str(p) for p in e["loc"]): e["msg"] for e in info.value.errors()}


def test_valid_application_keeps_money_as_two_place_decimal() -> None:
    app = RegistrationApplication.model_validate(application())
    assert app.registered_capital == Decimal("1000000.00")
    assert str(app.investors[1].subscribed_amount) == "400000.00"
    assert app.domicile.region == "SC"
    assert app.investors[0].is_person


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"registered_capital": "0"}, "registered_capital", "大于 0"),
        ({"registered_capital": "100.001"}, "registered_capital", "两位小数"),
        ({"registered_capital": "十万"}, "registered_capital", "数字"),
        (
            {"legal_representative": {"name": "张三", "id_number": ZHANG[:-1] + "0"}},
            "legal_representative.id_number",
            "校验码",
        ),
        (
            {"domicile": {"address": "天府大道中段1号", "division_code": "510100"}},
            "domicile.division_code",
            "区县",
        ),
        (
            {"domicile": {"address": "天府大道中段1号", "division_code": "519999"}},
            "domicile.division_code",
            "未知",
        ),
        (
            {"domicile": {"address": "天府大道中段1号", "division_code": "51010"}},
            "domicile.division_code",
            "6 位",
        ),
        ({"name": "成都蓉渝通科技股份有限公司"}, "name", "有限责任公司"),
        ({"registered_capital": "2000000"}, "investors", "不符"),
    ],
)
def test_bad_field_is_named_with_a_reason(
    change: dict[str, Any], field: str, fragment: str
) -> None:
    found = errors_of(application(**change))
    assert field in found, found
    assert fragment in found[field]


def test_investor_with_neither_id_nor_credit_code_is_refused() -> None:
    investors = application()["investors"]
    investors[1] = {**investors[1], "id_number": "12345"}
    found = errors_of(application(investors=investors))
    assert "investors.1.id_number" in found


def test_investor_may_be_an_enterprise_by_credit_code() -> None:
    data = application(
        enterprise_type="有限责任公司(法人独资)",
        investors=[
            {"name": "某某集团", "id_number": "91110000600037341L", "subscribed_amount": "1000000"}
        ],
    )
    app = RegistrationApplication.model_validate(data)
    assert not app.investors[0].is_person


def test_abolished_division_is_refused() -> None:
    found = errors_of(
        application(domicile={"address": "射洪县太和镇1号", "division_code": "510922"})
    )
    assert "停止使用" in found["domicile.division_code"]


def test_verify_request_needs_exactly_one_of_code_or_payload() -> None:
    with pytest.raises(ValidationError):
        VerifyRequest()
    with pytest.raises(ValidationError):
        VerifyRequest(uscc="91110000600037341L", payload="CYL1|x|y|z|w")
    assert VerifyRequest(uscc="9111 0000 6000 37341l").uscc == "91110000600037341L"
