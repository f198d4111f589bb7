"""A catalogue imported with an old division code gets the successor code and a note."""

from __future__ import annotations

from datetime import UTC, datetime

from chuanyu.core import clock
from chuanyu.window.catalogue import parse_catalogue, starter_catalogue


def _with_authority_code(code: str) -> dict[str, object]:
    data = starter_catalogue("CQ").model_dump(mode="json")
    data["matters"][0]["authority"]["division_code"] = code
    return data


def test_an_old_code_is_mapped_to_its_successor_with_a_note() -> None:
    with clock.freeze(datetime(2026, 2, 1, tzinfo=UTC)):
        authority = parse_catalogue(_with_authority_code("500234")).matters[0].authority
    assert authority.division_code == "500154"  # 开县 → 开州区 (2016)
    assert authority.division_note is not None and "开县" in authority.division_note
    assert authority.member == "CQ"


def test_a_code_abolished_on_a_known_day_is_mapped_from_that_day() -> None:
    with clock.freeze(datetime(2025, 11, 4, tzinfo=UTC)):
        before = parse_catalogue(_with_authority_code("500112")).matters[0].authority
    with clock.freeze(datetime(2026, 2, 1, tzinfo=UTC)):
        after = parse_catalogue(_with_authority_code("500112")).matters[0].authority
    assert (before.division_code, before.division_note) == ("500112", None)
    assert after.division_code == "500157" and "2025年11月6日" in (after.division_note or "")
