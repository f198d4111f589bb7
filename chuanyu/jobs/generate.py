"""Deterministic generator of employers and postings for both regions.

The same seed and reference day always give the same data. Industry shares follow the mix of
the two regions' job boards (manufacturing, construction and trade first); pay follows the
occupation and the city; descriptions are built from duty and requirement phrases.
"""

from __future__ import annotations

import itertools
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from chuanyu import divisions
from chuanyu.jobs import reference
from chuanyu.jobs.enums import Education, EmploymentType, Experience, PostingStatus
from chuanyu.registry import uscc

# Share of employers by GB/T 4754 section.
INDUSTRY_MIX: dict[str, float] = {
    "C": 27, "E": 12, "F": 12, "H": 8, "I": 7, "G": 6, "L": 6, "J": 5, "K": 3.5, "M": 3,
    "O": 3, "Q": 2.5, "P": 2.5, "R": 1, "N": 1, "D": 1, "A": 1, "B": 0.5, "S": 0.5,
}  # fmt: skip

CQ_CORE = {"500103", "500104", "500105", "500106", "500107", "500108", "500109", "500112",
           "500113"}  # fmt: skip
SC_MAJOR_CITIES = {"510600", "510700", "510500", "511300", "511500", "510900"}
SC_ETHNIC = {"513200", "513300", "513400"}

EDUCATION_MIX: dict[str, tuple[tuple[Education, int], ...]] = {
    "low": ((Education.ANY, 35), (Education.JUNIOR, 25), (Education.SENIOR, 40)),
    "mid": ((Education.ANY, 10), (Education.SENIOR, 40), (Education.COLLEGE, 50)),
    "high": ((Education.COLLEGE, 40), (Education.BACHELOR, 55), (Education.MASTER, 5)),
    "top": ((Education.BACHELOR, 30), (Education.MASTER, 55), (Education.DOCTOR, 15)),
}
EXPERIENCE_MIX: dict[str, tuple[tuple[Experience, int], ...]] = {
    "none": ((Experience.ANY, 50), (Experience.GRADUATE, 20), (Experience.UNDER_1, 30)),
    "some": ((Experience.ANY, 15), (Experience.UNDER_1, 15), (Experience.Y1_3, 50),
             (Experience.Y3_5, 20)),
    "senior": ((Experience.Y3_5, 50), (Experience.Y5_10, 40), (Experience.OVER_10, 10)),
}  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林谢唐冯邓曾彭"
TITLE_DECORATIONS = ("急聘{}", "{}（包吃住）", "资深{}", "{}学徒", "储备{}", "{}（长白班）")


@dataclass(slots=True)
class GeneratedEmployer:
    """An employer as the generator makes it."""

    id: str
    uscc: str
    name: str
    industry_code: str
    division_code: str
    origin: str


@dataclass(slots=True)
class GeneratedPosting:
    """A posting as the generator makes it (the same fields the import accepts)."""

    id: str
    employer: GeneratedEmployer
    title: str
    occupation_code: str
    industry_code: str
    division_code: str
    salary_min: Decimal
    salary_max: Decimal
    education: Education
    experience: Experience
    employment_type: EmploymentType
    headcount: int
    benefits: list[str]
    description: str
    contact_name: str
    contact_phone: str
    valid_from: date
    valid_to: date
    published_at: datetime
    status: PostingStatus = PostingStatus.OPEN
    origin: str = field(init=False)

    def __post_init__(self) -> None:
        self.origin = self.employer.origin


def _location_weight(code: str) -> float:
    if code.startswith("50"):
        if code in CQ_CORE:
            return 6.0
        return 2.0 if code.startswith("5001") else 1.0
    city = code[:4] + "00"
    if city == "510100":
        return 5.0
    if city in SC_MAJOR_CITIES:
        return 2.0
    return 0.4 if city in SC_ETHNIC else 1.0


def _pay_factor(code: str) -> float:
    if code.startswith("50"):
        return 1.05 if code in CQ_CORE else (0.9 if code.startswith("5001") else 0.8)
    city = code[:4] + "00"
    if city == "510100":
        return 1.08
    if city in SC_MAJOR_CITIES:
        return 0.88
    return 0.78 if city in SC_ETHNIC else 0.8


def _place_prefix(code: str) -> str:
    if code.startswith("50"):
        return "重庆"
    city = divisions.city_of(code)
    if city is None or city.code in SC_ETHNIC:
        return "四川"
    return city.name.removesuffix("市")


class Generator:
    """Makes employers and postings from a seed, as of a reference day."""

    def __init__(self, *, seed: int = 2020, as_of: date | None = None) -> None:
        self.rng = random.Random(seed)
        self.as_of = as_of or date(2020, 7, 8)
        self.phrases = reference.phrases()
        self.parts = reference.employer_parts()
        self.locations = {m: reference.work_locations(m, self.as_of) for m in ("CQ", "SC")}
        self.location_weights = {
            m: list(itertools.accumulate(_location_weight(c) for c in codes))
            for m, codes in self.locations.items()
        }
        self._occupations_by_section = self._index_occupations()

    def _uuid(self) -> str:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4).hex

    def _index_occupations(self) -> dict[str, tuple[list[reference.Occupation], list[float]]]:
        out = {}
        for section in reference.INDUSTRY_SECTIONS:
            pairs = []
            for occ in reference.occupations():
                weight = sum(w for s, w in occ.industries if s in (section, "*"))
                if weight:
                    pairs.append((occ, float(weight)))
            if pairs:
                out[section] = (
                    [p[0] for p in pairs],
                    list(itertools.accumulate(p[1] for p in pairs)),
                )
        return out

    def _location(self, member: str) -> str:
        return self.rng.choices(self.locations[member], cum_weights=self.location_weights[member])[
            0
        ]

    def employers(self, count: int) -> list[GeneratedEmployer]:
        """`count` employers, about half in each region, with unique names and codes."""
        rng, parts = self.rng, self.parts
        sections = list(INDUSTRY_MIX)
        section_weights = list(itertools.accumulate(INDUSTRY_MIX.values()))
        names: set[str] = set()
        codes: set[str] = set()
        out: list[GeneratedEmployer] = []
        while len(out) < count:
            member = "CQ" if rng.random() < 0.5 else "SC"
            section = rng.choices(sections, cum_weights=section_weights)[0]
            code = self._location(member)
            trade = rng.choice(parts["trade_names_first"]) + rng.choice(parts["trade_names_second"])
            word = rng.choice(parts["sections"][section])
            name = f"{_place_prefix(code)}{trade}{word}{rng.choice(parts['forms'])}"
            if name in names:
                name = f"{_place_prefix(code)}{divisions.name(code)}{trade}{word}有限公司"
                if name in names:
                    continue
            credit = uscc.assemble(
                category="1", division_code=code, org_body=uscc.random_org_body(rng.randrange)
            )
            if credit in codes:
                continue
            names.add(name)
            codes.add(credit)
            out.append(GeneratedEmployer(self._uuid(), credit, name, section, code, member))
        return out

    def postings(
        self, employers: list[GeneratedEmployer], count: int
    ) -> Iterator[GeneratedPosting]:
        """`count` postings spread over the employers (a few large, many small)."""
        rng = self.rng
        sizes = list(itertools.accumulate(rng.paretovariate(1.3) for _ in employers))
        for _ in range(count):
            employer = rng.choices(employers, cum_weights=sizes)[0]
            yield self._posting(employer)

    def _posting(self, employer: GeneratedEmployer) -> GeneratedPosting:
        rng, ph = self.rng, self.phrases
        occs, cum = self._occupations_by_section[employer.industry_code]
        occ = rng.choices(occs, cum_weights=cum)[0]
        code = employer.division_code if rng.random() < 0.8 else self._location(employer.origin)
        factor = _pay_factor(code) * rng.uniform(0.9, 1.15)
        low = max(2000, round(occ.salary_low * factor / 500) * 500)
        high = max(low + 500, round(occ.salary_high * factor / 500) * 500)
        title = occ.title
        if rng.random() < 0.15:
            title = rng.choice(TITLE_DECORATIONS).format(title)
        family = ph["families"][occ.family]
        duties = rng.sample(family["duties"], k=min(len(family["duties"]), rng.randint(3, 4)))
        reqs = rng.sample(family["requirements"], k=min(len(family["requirements"]), 2))
        reqs += rng.sample(ph["generic_requirements"], k=rng.randint(1, 2))
        description = (
            "岗位职责："
            + "；".join(f"{i}.{d}" for i, d in enumerate(duties, 1))
            + "。任职要求："
            + "；".join(f"{i}.{r}" for i, r in enumerate(reqs, 1))
            + f"。{rng.choice(ph['work_time'])}。工作地点：{reference.place(code).label}。"
        )
        days_ago = rng.randint(0, 60)
        published = datetime.combine(
            self.as_of - timedelta(days=days_ago), time(0, 0), tzinfo=UTC
        ) + timedelta(seconds=rng.randint(0, 86399))
        valid_from = published.date()
        valid_to = valid_from + timedelta(days=rng.choice((30, 60, 60, 90)))
        status = PostingStatus.OPEN
        if valid_to < self.as_of:
            status = PostingStatus.EXPIRED
        elif rng.random() < 0.03:
            status = PostingStatus.CLOSED
        return GeneratedPosting(
            id=self._uuid(),
            employer=employer,
            title=title,
            occupation_code=occ.group,
            industry_code=employer.industry_code,
            division_code=code,
            salary_min=Decimal(low),
            salary_max=Decimal(high),
            education=rng.choices(*zip(*EDUCATION_MIX[occ.education], strict=True))[0],
            experience=rng.choices(*zip(*EXPERIENCE_MIX[occ.experience], strict=True))[0],
            employment_type=EmploymentType.FULL_TIME
            if rng.random() < 0.9
            else rng.choice(list(EmploymentType)),
            headcount=rng.choice((1, 1, 2, 2, 3, 5, 10)) * (3 if occ.group == "6" else 1),
            benefits=sorted(rng.sample(ph["benefits"], k=rng.randint(2, 6))),
            description=description,
            contact_name=rng.choice(SURNAMES) + rng.choice(("先生", "女士")),
            contact_phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
            valid_from=valid_from,
            valid_to=valid_to,
            published_at=published,
            status=status,
        )
