"""Demo data: sample registration applications and a few licences issued in each region."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session
from stdnum.cn import ric

from chuanyu import divisions
from chuanyu.core import clock
from chuanyu.registry import service as registry_service
from chuanyu.registry.enums import EnterpriseType
from chuanyu.registry.schemas import RegistrationApplication

if TYPE_CHECKING:
    from chuanyu.node import Node

# County-level units whose codes were in force for the birth years used below (1975-1995).
_BIRTH_PLACES = ("510104", "510105", "510107", "510681", "511002", "510502")
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗"
_GIVEN = ("建国", "晓燕", "志强", "丽娟", "海涛", "雪梅", "文彬", "春华", "国庆", "小川")
_DOMICILES = {
    "CQ": (
        ("500157", "重庆市两江新区金开大道 {n} 号"),
        ("500112", "重庆市渝北区金开大道 {n} 号"),
        ("500152", "重庆市潼南区梓潼街道兴潼路 {n} 号"),
    ),
    "SC": (("510107", "成都市武侯区天府大道中段 {n} 号"), ("510904", "遂宁市安居区磨溪镇 {n} 号")),
}
_SCOPES = (
    "软件开发；信息技术咨询服务；数据处理服务",
    "农产品初加工；食用农产品批发零售",
    "道路货物运输（不含危险货物）；国内货物运输代理",
    "会议及展览服务；企业管理咨询",
)
DEMO_NAMES = {
    "CQ": ("重庆两江川渝数智科技有限公司", "重庆潼遂物流有限公司"),
    "SC": ("成都天府渝川软件有限公司", "遂宁磨溪柠檬农业科技有限公司"),
}


def resident_id(rng: random.Random) -> str:
    """A valid resident ID number with a birth place that existed in the birth year."""
    while True:
        birth = f"{rng.randint(1975, 1995)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        body = rng.choice(_BIRTH_PLACES) + birth + f"{rng.randint(0, 999):03d}"
        number = body + ric.calc_check_digit(body + "0")
        if ric.is_valid(number):
            return number


def person_name(rng: random.Random) -> str:
    """A plausible Chinese personal name."""
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN)


def sample_application(
    member: str,
    *,
    name: str,
    seed: int = 0,
    capital: Decimal = Decimal("1000000.00"),
    operating_years: int | None = None,
) -> RegistrationApplication:
    """A valid application for a two-shareholder limited company domiciled in `member`."""
    rng = random.Random(seed)
    people = [(person_name(rng), resident_id(rng)) for _ in range(2)]
    first = (capital * Decimal("0.6")).quantize(Decimal("0.01"))
    today = clock.today()
    places = [p for p in _DOMICILES[member] if divisions.is_valid(p[0], today)]
    code, address = rng.choice(places)
    return RegistrationApplication.model_validate(
        {
            "enterprise_type": EnterpriseType.LLC_NATURAL_PERSONS,
            "name": name,
            "registered_capital": capital,
            "legal_representative": {"name": people[0][0], "id_number": people[0][1]},
            "domicile": {"address": address.format(n=rng.randint(1, 999)), "division_code": code},
            "business_scope": rng.choice(_SCOPES),
            "investors": [
                {"name": people[0][0], "id_number": people[0][1], "subscribed_amount": first},
                {
                    "name": people[1][0],
                    "id_number": people[1][1],
                    "subscribed_amount": capital - first,
                },
            ],
            "operating_years": operating_years,
        }
    )


def load_demo(session: Session, node: Node) -> str:
    """Issue this region's demo licences (skipping names already registered)."""
    issued = 0
    for index, name in enumerate(DEMO_NAMES.get(node.member, ())):
        if registry_service.names.holder_of(session=session, name=name) is not None:
            continue
        application = sample_application(node.member, name=name, seed=index + 1)
        registry_service.issue_licence(
            session=session, node=node, application=application, case_number=None
        )
        issued += 1
    total = registry_service.list_licences(session=session, limit=1).total
    return f"{issued} 张营业执照新核发，本地区共 {total} 张"
