"""Division history: which code and name held on a day since 2000, and what old codes became."""

from __future__ import annotations

from datetime import date

import pytest

from chuanyu import divisions


def test_the_three_missing_2016_changes_are_recorded() -> None:
    found = {(c.old_code, c.new_code, c.year, c.effective) for c in divisions.changes()}
    assert ("500234", "500154", 2016, None) in found  # 开县 → 开州区
    assert ("510724", "510705", 2016, None) in found  # 安县 → 安州区
    assert ("512081", "510185", 2016, None) in found  # 简阳市 → under 成都


def test_jianyang_lay_under_ziyang_before_2016_and_under_chengdu_after() -> None:
    old, new = divisions.require("512081"), divisions.require("510185")
    assert old.parent_code == "512000" and new.parent_code == "510100"
    assert divisions.valid_on("简阳市", date(2010, 5, 1))[0].code == "512081"
    assert divisions.valid_on("简阳市", date(2020, 5, 1))[0].code == "510185"


def test_kaixian_before_and_kaizhou_after() -> None:
    assert [p.name for p in divisions.valid_on("500234", date(2015, 12, 31))] == ["开县"]
    assert divisions.valid_on("500234", date(2017, 1, 1)) == []
    assert divisions.valid_on("500154", date(2015, 12, 31)) == []
    assert [p.name for p in divisions.valid_on("开州区", date(2020, 7, 8))] == ["开州区"]


def test_a_year_only_change_is_answered_from_1_january_and_flagged() -> None:
    during = divisions.valid_on("500154", date(2016, 3, 1))
    assert [(p.name, p.start, p.precision) for p in during] == [
        ("开州区", date(2016, 1, 1), "year")
    ]
    # Validation stays lenient inside that year: the old code may still have been in use.
    assert divisions.is_valid("500234", on=date(2016, 3, 1))


def test_an_exact_day_is_answered_to_the_day() -> None:
    assert [p.name for p in divisions.valid_on("500112", date(2025, 11, 5))] == ["渝北区"]
    assert divisions.valid_on("500112", date(2025, 11, 6)) == []
    liangjiang = divisions.valid_on("两江新区", date(2025, 11, 6))
    assert [(p.code, p.precision) for p in liangjiang] == [("500157", "day")]


def test_codes_of_the_2000s_come_from_the_gb_t_2260_history() -> None:
    assert [p.name for p in divisions.valid_on("500381", date(2005, 6, 1))] == ["江津市"]
    assert divisions.valid_on("500116", date(2005, 6, 1)) == []  # 江津区 from 2006
    assert [p.name for p in divisions.valid_on("500116", date(2007, 6, 1))] == ["江津区"]
    assert divisions.valid_on("500120", date(2010, 1, 1)) == []  # 璧山区 from 2014
    assert divisions.valid_on("500227", date(2010, 1, 1))[0].name == "璧山县"


def test_a_shared_name_returns_every_unit_carrying_it() -> None:
    assert {p.code for p in divisions.valid_on("市中区", date(2020, 1, 1))} == {"511002", "511102"}


@pytest.mark.parametrize(
    ("old", "on", "new", "precision"),
    [
        ("500234", date(2020, 1, 1), "500154", "year"),
        ("510724", date(2020, 1, 1), "510705", "year"),
        ("512081", date(2020, 1, 1), "510185", "year"),
        ("500105", date(2026, 1, 1), "500157", "day"),
        ("500112", date(2025, 11, 6), "500157", "day"),
    ],
)
def test_old_codes_map_to_their_successor_with_a_note(
    old: str, on: date, new: str, precision: str
) -> None:
    mapped = divisions.successor(old, on)
    assert (mapped.code, mapped.precision) == (new, precision)
    assert mapped.note is not None and old in mapped.note and new in mapped.note
    if precision == "year":
        assert "具体日期不详" in mapped.note


def test_a_code_in_force_maps_to_itself_without_a_note() -> None:
    assert divisions.successor("500103", date(2020, 1, 1)).note is None
    assert divisions.successor("500112", date(2025, 11, 5)).code == "500112"


def test_a_code_ended_without_a_listed_successor_is_refused() -> None:
    with pytest.raises(divisions.NoSuccessor, match="500381"):
        divisions.successor("500381", date(2010, 1, 1))
    with pytest.raises(divisions.UnknownDivision):
        divisions.successor("519999", date(2010, 1, 1))


def test_adjacency_follows_the_2025_change() -> None:
    assert divisions.is_border_unit("500112")  # the 2020 base state by default
    assert divisions.is_border_unit("500112", on=date(2025, 11, 5))
    assert not divisions.is_border_unit("500112", on=date(2025, 11, 6))
    assert divisions.is_border_unit("500157", on=date(2026, 1, 1))
    assert not divisions.is_border_unit("500157")
    after = {d.code for d in divisions.border_units(region="CQ", on=date(2026, 1, 1))}
    assert "500157" in after and "500112" not in after
