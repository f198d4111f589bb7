"""The shared division table: lookups, hierarchy, validity over time and adjacency."""

from __future__ import annotations

from datetime import date

import pytest

from chuanyu import divisions


def test_table_counts_match_the_2020_state() -> None:
    on = date(2020, 7, 8)
    cq = [d for d in divisions.all_divisions(on) if d.region == "CQ" and d.level == "county"]
    sc_cities = [d for d in divisions.all_divisions(on) if d.level == "prefecture"]
    sc_counties = [
        d for d in divisions.all_divisions(on) if d.region == "SC" and d.level == "county"
    ]
    assert len(cq) == 38
    assert len(sc_cities) == 21
    assert len(sc_counties) == 183


def test_chongqing_has_37_units_after_the_2025_merger() -> None:
    units = divisions.children("500000", on=date(2026, 1, 1))
    assert len(units) == 37
    assert "500157" in {d.code for d in units}
    assert not {"500105", "500112"} & {d.code for d in units}


def test_name_and_hierarchy() -> None:
    assert divisions.name("511623") == "邻水县"
    city = divisions.city_of("511623")
    assert city is not None and city.name == "广安市"
    assert divisions.city_of("511700") == divisions.get("511700")
    assert divisions.city_of("500152") is None
    assert divisions.province_of("510522").name == "四川省"
    assert divisions.region_of("500118") == "CQ"
    assert divisions.region_of("510522") == "SC"


def test_unknown_code_raises_and_is_invalid() -> None:
    assert divisions.get("511200") is None
    assert not divisions.is_valid("511200")
    with pytest.raises(divisions.UnknownDivision):
        divisions.name("511200")


def test_abolished_county_is_valid_only_before_its_change() -> None:
    assert divisions.is_valid("500228", on=date(2015, 6, 1))  # 梁平县
    assert not divisions.is_valid("500228", on=date(2017, 1, 1))
    assert not divisions.is_valid("500155", on=date(2015, 6, 1))  # 梁平区
    assert divisions.is_valid("500155", on=date(2020, 7, 8))


def test_change_known_only_to_the_year_accepts_both_codes_within_it() -> None:
    on = date(2016, 6, 1)
    assert divisions.is_valid("500228", on=on)
    assert divisions.is_valid("500155", on=on)


def test_exact_change_date_is_respected() -> None:
    assert divisions.is_valid("500112", on=date(2025, 11, 5))
    assert not divisions.is_valid("500112", on=date(2025, 11, 6))
    assert divisions.is_valid("500157", on=date(2025, 11, 6))
    assert not divisions.is_valid("500157", on=date(2025, 11, 5))


def test_children_of_a_prefecture() -> None:
    names = [d.name for d in divisions.children("511700")]
    assert "达川区" in names and "大竹县" in names and "开江县" in names
    assert all(d.parent_code == "511700" for d in divisions.children("511700"))


def test_adjacency_follows_the_seed() -> None:
    assert divisions.is_border_unit("500152")  # 潼南区
    assert divisions.is_border_unit("510900")  # 遂宁市
    assert not divisions.is_border_unit("500109")  # 北碚区
    assert not divisions.is_border_unit("510700")  # 绵阳市
    assert divisions.adjacency_basis("500155") == "seed"
    assert divisions.adjacency_basis("500109") is None


def test_border_units_filter_by_region_and_level() -> None:
    cities = divisions.border_units(region="SC", level="prefecture")
    assert {d.name for d in cities} >= {"遂宁市", "达州市", "广安市", "泸州市"}
    assert all(d.region == "CQ" for d in divisions.border_units(region="CQ"))
