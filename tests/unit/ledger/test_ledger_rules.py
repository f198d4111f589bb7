"""Properties of the pure rules: firsts move only for earlier entries; stages follow boundaries."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from chuanyu.ledger import parties, rules
from chuanyu.ledger.catalogue import default_catalog
from chuanyu.ledger.enums import DatePrecision, FirstStatus
from chuanyu.ledger.rules import EntryFacts, FuzzyDate

CATALOG = default_catalog()
STAGES = CATALOG.stages
AGREEMENT = CATALOG.category_map["adjacent_city_agreement"]
TONGNAN, SUINING = parties.get("500152"), parties.get("510900")
AS_OF = date(2030, 1, 1)

days = st.dates(min_value=date(2019, 1, 1), max_value=date(2025, 12, 31))


def agreement(entry_id: str, when: FuzzyDate, stage: int | None = None) -> EntryFacts:
    return EntryFacts(
        id=entry_id,
        kind="agreement",
        title=entry_id,
        date=when,
        parties=(TONGNAN, SUINING),
        stage=stage,
    )


def day(d: date) -> FuzzyDate:
    return FuzzyDate(d, DatePrecision.DAY)


@settings(max_examples=60, deadline=None)
@given(st.lists(days, min_size=1, max_size=8, unique=True), st.integers(1, 400))
def test_adding_an_earlier_entry_changes_the_first(existing: list[date], gap: int) -> None:
    entries = [agreement(f"e{i}", day(d)) for i, d in enumerate(existing)]
    before = rules.first_of(AGREEMENT, entries, STAGES, AS_OF)
    earlier = agreement("new", day(min(existing) - timedelta(days=gap)))
    after = rules.first_of(AGREEMENT, [*entries, earlier], STAGES, AS_OF)
    assert after.entry is not None and after.entry.id == "new"
    assert before.entry is None or before.entry.id != "new"


@settings(max_examples=60, deadline=None)
@given(st.lists(days, min_size=1, max_size=8), st.integers(1, 400), st.booleans())
def test_adding_a_later_entry_never_changes_the_first(
    existing: list[date], gap: int, by_month: bool
) -> None:
    entries = [agreement(f"e{i}", day(d)) for i, d in enumerate(existing)]
    before = rules.first_of(AGREEMENT, entries, STAGES, AS_OF)
    later_day = max(existing) + timedelta(days=gap + 31)
    later = FuzzyDate(later_day, DatePrecision.MONTH) if by_month else day(later_day)
    after = rules.first_of(AGREEMENT, [*entries, agreement("new", later)], STAGES, AS_OF)
    assert after.status == before.status
    assert [c.id for c in after.candidates] == [c.id for c in before.candidates]


@given(days)
def test_stage_of_a_known_day_matches_the_boundaries(d: date) -> None:
    stage = rules.stage_of(agreement("x", day(d)), STAGES)
    if d < date(2020, 1, 6):
        assert stage is None
    elif d < date(2020, 3, 23):
        assert stage == 1
    elif d < date(2020, 4, 15):
        assert stage == 2
    else:
        assert stage == 3


def test_same_day_entries_are_reported_as_a_tie() -> None:
    entries = [agreement("a", day(date(2020, 5, 1))), agreement("b", day(date(2020, 5, 1)))]
    first = rules.first_of(AGREEMENT, entries, STAGES, AS_OF)
    assert first.status == FirstStatus.TIE and first.entry is None
    assert [c.id for c in first.candidates] == ["a", "b"]


def test_unknown_date_makes_the_first_uncertain_not_guessed() -> None:
    undated = agreement("undated", FuzzyDate.unknown())
    undated = replace(undated, no_later_than=date(2020, 7, 8))
    entries = [agreement("dated", day(date(2020, 5, 1))), undated]
    first = rules.first_of(AGREEMENT, entries, STAGES, AS_OF)
    assert first.status == FirstStatus.UNCERTAIN
    assert {c.id for c in first.candidates} == {"dated", "undated"}


def test_explicit_stage_bounds_an_undated_entry() -> None:
    entries = [agreement("late", day(date(2020, 5, 1))), agreement("s1", FuzzyDate.unknown(), 1)]
    first = rules.first_of(AGREEMENT, entries, STAGES, AS_OF)
    assert first.entry is not None and first.entry.id == "s1"


def test_month_precision_spanning_a_boundary_has_no_stage() -> None:
    march = agreement("m", FuzzyDate(date(2020, 3, 1), DatePrecision.MONTH))
    assert rules.stage_of(march, STAGES) is None
    may = agreement("m", FuzzyDate(date(2020, 5, 1), DatePrecision.MONTH))
    assert rules.stage_of(may, STAGES) == 3


def test_entry_after_as_of_is_not_counted() -> None:
    entries = [agreement("a", day(date(2020, 8, 1)))]
    assert rules.first_of(AGREEMENT, entries, STAGES, date(2020, 7, 8)).status == FirstStatus.NONE


def test_category_requires_the_party_classes() -> None:
    beibei, mianyang = parties.get("500109"), parties.get("510700")
    nonadjacent = CATALOG.category_map["nonadjacent_city_agreement"]
    entry = EntryFacts("x", "agreement", "x", FuzzyDate.unknown(), parties=(beibei, mianyang))
    assert nonadjacent.matches(entry)
    assert not AGREEMENT.matches(entry)
    mixed = EntryFacts("y", "agreement", "y", FuzzyDate.unknown(), parties=(TONGNAN, mianyang))
    assert not nonadjacent.matches(mixed) and not AGREEMENT.matches(mixed)


def test_fuzzy_date_round_trip_and_labels() -> None:
    assert FuzzyDate.parse("2020-05").label() == "2020年5月"
    assert FuzzyDate.parse("2020-05-06").iso() == "2020-05-06"
    assert FuzzyDate.parse("").label() == "日期未注明"
    assert FuzzyDate.parse("2020-02").bounds() == (date(2020, 2, 1), date(2020, 2, 29))
