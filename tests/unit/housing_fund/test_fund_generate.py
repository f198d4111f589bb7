"""The synthetic population is deterministic and internally consistent."""

from stdnum.cn import ric, uscc

from chuanyu.housing_fund.generate import people
from chuanyu.housing_fund.importer import _clean, _rate
from chuanyu.housing_fund.rules import continuous_months


def rows(member: str, n: int, seed: int = 1) -> list:  # type: ignore[type-arg]
    return [(p.row[:-1], p.deposits) for p in people(member, n, seed=seed, as_of_month=202006)]


def test_same_seed_same_people_other_seed_other_people() -> None:
    assert rows("CQ", 200) == rows("CQ", 200)
    assert rows("CQ", 200) != rows("CQ", 200, seed=2)
    assert rows("CQ", 50) != rows("SC", 50)


def test_generated_people_are_valid_and_unique() -> None:
    generated = list(people("SC", 300, seed=3, as_of_month=202006))
    ids = [p.row[2] for p in generated]
    assert len(set(ids)) == len(ids) and all(ric.is_valid(i) for i in ids)
    assert all(uscc.is_valid(p.row[4]) for p in generated)
    statuses = {p.row[6] for p in generated}
    assert {"normal", "sealed", "closed"} <= statuses
    for p in generated:
        months = [m for _a, m, _f in p.deposits]
        assert months == sorted(months) and all(m <= 202006 for m in months)
        if p.row[6] == "normal":
            assert months[-1] == 202006 and continuous_months(months) >= 1
        assert all(f == p.deposits[0][2] for _a, _m, f in p.deposits)


def test_rates_and_statuses_from_import_files_are_normalised() -> None:
    assert _rate("12%") == "0.12" and _rate("12") == "0.12" and _rate("0.08") == "0.08"
    cleaned = _clean({"status": "封存", "month": "2020-06", "employee_rate": "5%", "name": " "})
    assert cleaned == {"status": "sealed", "month": "202006", "employee_rate": "0.05"}
