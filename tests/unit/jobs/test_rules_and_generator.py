"""Pure rules, posting validation messages, and the generator's determinism."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError
from stdnum.cn import uscc as stdnum_uscc

from chuanyu.jobs import rules
from chuanyu.jobs.enums import PostingStatus
from chuanyu.jobs.generate import Generator
from chuanyu.jobs.schemas import PostingCreate

GOOD = {
    "employer_uscc": "91500112MA5U7AJ18W", "employer_name": "重庆测试有限公司", "title": "焊工",
    "occupation_code": "6", "industry_code": "C", "division_code": "500103",
    "salary_min": "5000", "salary_max": "8000", "description": "负责焊接",
    "contact_name": "王先生", "contact_phone": "13800000000",
}  # fmt: skip


def fields_of(exc: ValidationError) -> set[str]:
    return {str(e["loc"][0]) for e in exc.errors()}


@pytest.mark.parametrize(
    ("change", "field"),
    [({"salary_min": "-1"}, "salary_min"), ({"salary_min": "9000"}, "salary_max"),
     ({"division_code": "999999"}, "division_code"), ({"employer_uscc": "91500112MA5U7AJ12X"},
     "employer_uscc"), ({"title": "   "}, "title"), ({"industry_code": "Z"}, "industry_code")],
)  # fmt: skip
def test_bad_postings_are_refused_with_field_errors(change: dict, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        PostingCreate.model_validate({**GOOD, **change})
    assert field in fields_of(info.value)


def test_good_posting_is_accepted() -> None:
    assert PostingCreate.model_validate(GOOD).salary_max == Decimal("8000")


def test_salary_band_and_transitions() -> None:
    assert rules.salary_band(4000, 6000) == 2
    assert rules.salary_band(25000, 30000) == 5
    assert rules.can_transition(PostingStatus.OPEN, PostingStatus.CLOSED)
    assert not rules.can_transition(PostingStatus.CLOSED, PostingStatus.OPEN)
    assert rules.owner_of("510104") == "SC"


def test_generator_is_deterministic_and_valid() -> None:
    def run() -> list[tuple[str, str, str]]:
        g = Generator(seed=3, as_of=date(2020, 7, 8))
        emps = g.employers(40)
        return [(p.id, p.title, p.employer.uscc) for p in g.postings(emps, 200)]

    first = run()
    assert first == run()
    for _pid, _title, code in first:
        assert stdnum_uscc.is_valid(code)
    g = Generator(seed=3, as_of=date(2020, 7, 8))
    posts = list(g.postings(g.employers(40), 300))
    assert all(p.salary_min < p.salary_max for p in posts)
    assert all(rules.division_problem(p.division_code, p.valid_from) is None for p in posts)
