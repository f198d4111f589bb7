"""Search over a small fixed corpus: substring recall, whole-word ranking, facets, paging."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import tantivy

from chuanyu.jobs import lexicon
from chuanyu.jobs.search.base import PostingDoc, SearchRequest
from chuanyu.jobs.search.schema import index_format
from chuanyu.jobs.search.tantivy_index import VERSION_FILE, IndexLocked, TantivyIndex
from chuanyu.jobs.text import contains_all, parse_synonyms, query_words, synonyms

NOW = datetime(2020, 7, 8, 12, tzinfo=UTC)
TODAY = date(2020, 7, 8)


def doc(pid: str, title: str, division: str = "500103", *, days_ago: int = 1,
        desc: str = "负责日常工作。", industry: str = "C", low: int = 5000, high: int = 8000,
        education: str = "any") -> PostingDoc:  # fmt: skip
    return PostingDoc(
        id=pid, origin="CQ" if division.startswith("50") else "SC", title=title,
        employer_name="测试机械有限公司", occupation_code="6", industry_code=industry,
        division_code=division, salary_min=low, salary_max=high, education=education,
        experience="any", employment_type="full_time", headcount=1, benefits=["五险一金"],
        description=desc, published_at=NOW - timedelta(days=days_ago),
        valid_to=TODAY + timedelta(days=30),
    )  # fmt: skip


CORPUS = [
    doc("a" * 32, "焊工", days_ago=5),
    doc("b" * 32, "氩弧焊工", days_ago=1),
    doc("c" * 32, "仓管员", "510104", industry="G"),
    doc("d" * 32, "数据分析师", "510104", industry="I", low=9000, high=16000, education="bachelor"),
    doc("e" * 32, "电商运营专员", "510107", industry="F"),
    doc("f" * 32, "会计", "510104", industry="L", desc="熟悉电商平台的运营数据。"),
    doc("0" * 32, "软件开发工程师", "500112", industry="I", low=12000, high=20000),
    doc("1" * 32, "焊工", "511302", days_ago=2, desc="持有焊工证。"),
    doc("2" * 32, "厨师", "500103", industry="H", days_ago=40),
    doc("3" * 32, "话务员", "500103", industry="L", desc="接听热线，为用户提供客户服务。"),
]


@pytest.fixture(scope="module")
def index() -> TantivyIndex:
    idx = TantivyIndex(None, heap_mb=50, threads=1)
    idx.upsert(CORPUS)
    idx.commit()
    return idx


def ask(index: TantivyIndex, q: str = "", **kw: object) -> list[str]:
    page = index.search(SearchRequest(q=q, now=NOW, today=TODAY, per_page=50, **kw))  # type: ignore[arg-type]
    return [h.id for h in page.hits]


@pytest.mark.parametrize(
    "q", ["焊工", "仓管", "数据分析", "电商运营", "焊", "会计", "成都", "焊工 重庆"]
)
def test_found_set_equals_substring_search(index: TantivyIndex, q: str) -> None:
    words = query_words(q)
    expected = {d.id for d in CORPUS if contains_all(d.searchable_text(), words)}
    assert set(ask(index, q)) == expected
    assert expected


def test_known_words_find_what_substring_search_finds(index: TantivyIndex) -> None:
    # Known words are looked up as recorded terms rather than as character pairs; the
    # postings found must be the same either way.
    present = [w for w in sorted(lexicon.known_words())
               if any(w in d.searchable_text().lower() for d in CORPUS)]  # fmt: skip
    assert {"五险一金", "焊工证", "氩弧焊工"} <= set(present)
    for word in [*present, "二保焊", "施工员"]:
        expected = {d.id for d in CORPUS if contains_all(d.searchable_text(), [word])}
        assert set(ask(index, word)) == expected, word
    assert set(ask(index, "焊工证 焊工")) == {"1" * 32}


def test_words_inside_catalogue_titles_are_known() -> None:
    # 工程师 heads a dozen catalogue titles and is searched on its own.
    known = lexicon.known_words()
    assert {"工程师", "技术员", "设计师", "维修工"} <= known
    assert not known & {"程序员", "仓管员", "保洁员"}, "synonym words are looked up by group"


def test_known_words_ignore_case() -> None:
    idx = TantivyIndex(None, heap_mb=50, threads=1)
    idx.upsert([doc("a" * 32, "Java开发工程师"), doc("b" * 32, "高级JAVA开发工程师助理"),
                doc("c" * 32, "Java讲师")])  # fmt: skip
    idx.commit()
    assert "java开发工程师" in lexicon.known_words()
    for q in ("java开发工程师", "JAVA开发工程师", "Java开发工程师"):
        assert set(ask(idx, q)) == {"a" * 32, "b" * 32}, q


def test_an_index_of_another_vocabulary_is_searched_by_substring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Until an index built with other known words is rebuilt (or while a reader process
    # runs newer code than the writer), its recorded known words cannot be trusted.
    with monkeypatch.context() as old:
        old.setattr(lexicon, "find", lambda _text: lexicon.Found([], []))
        old.setattr(lexicon, "digest", lambda: "an older vocabulary")
        built = TantivyIndex(tmp_path / "idx", heap_mb=50, threads=1)
        built.upsert(CORPUS)
        built.commit()
        built.close()
    reader = TantivyIndex(tmp_path / "idx", heap_mb=50, threads=1)
    assert reader.is_new and not reader.records_this_vocabulary()
    expected = {d.id for d in CORPUS if contains_all(d.searchable_text(), ["五险一金"])}
    assert expected and set(ask(reader, "五险一金")) == expected
    assert set(ask(reader, "程序员")) == {"0" * 32}, "synonyms by substring, too"


def test_whole_word_matches_rank_before_longer_words(index: TantivyIndex) -> None:
    ids = ask(index, "焊工")
    assert set(ids[:2]) == {"a" * 32, "1" * 32}
    assert "b" * 32 in ids[2:]


def test_equal_scores_are_ordered_newest_first(index: TantivyIndex) -> None:
    ids = ask(index, "焊工")
    assert ids.index("1" * 32) < ids.index("a" * 32)


def test_filters_do_not_change_the_order(index: TantivyIndex) -> None:
    # Range filters add the same constant to every hit's score; without any, the first
    # word's clause adds it. Either way whole words first, then newest first.
    def order(**kw: object) -> list[str]:
        req = SearchRequest(q="焊工", now=NOW, per_page=50, **kw)  # type: ignore[arg-type]
        return [h.id for h in index.search(req).hits]

    expected = ["1" * 32, "a" * 32, "b" * 32]
    assert order() == expected
    assert order(today=TODAY) == expected
    assert order(today=TODAY, recency_days=30) == expected
    assert order(today=TODAY, region="500000") == ["a" * 32, "b" * 32]


def test_compound_query_does_not_overcount(index: TantivyIndex) -> None:
    assert ask(index, "电商运营") == ["e" * 32]


def test_synonym_finds_the_other_title(index: TantivyIndex) -> None:
    assert ask(index, "程序员") == ["0" * 32]


@pytest.mark.parametrize("q", ["程序员", "客服", "电商运营", "仓管", "司机"])
def test_synonym_search_equals_substring_search_over_its_group(index: TantivyIndex, q: str) -> None:
    group = [q, *synonyms(q)]
    expected = {d.id for d in CORPUS if any(w in d.searchable_text().lower() for w in group)}
    assert set(ask(index, q)) == expected


def test_synonym_in_the_description_is_found(index: TantivyIndex) -> None:
    # 客服 and 客户服务 are one group; this posting has only the latter, in its description.
    assert ask(index, "客服") == ["3" * 32]


def test_index_built_with_other_synonyms_is_rebuilt(tmp_path: Path) -> None:
    first = TantivyIndex(tmp_path / "idx", heap_mb=50, threads=1)
    first.upsert(CORPUS[:2])
    first.commit()
    first.close()
    assert not TantivyIndex(tmp_path / "idx", heap_mb=50, threads=1).is_new
    marker = tmp_path / "idx" / VERSION_FILE
    marker.write_text(json.dumps({**index_format(), "synonyms": "0" * 16}))
    assert TantivyIndex(tmp_path / "idx", heap_mb=50, threads=1).is_new


@pytest.mark.parametrize(
    "filters",
    [{}, {"region": "510000"}, {"region": "510100"}, {"industry": "I"}, {"recency_days": 7},
     {"q": "焊工"}, {"region": "500000", "recency_days": 3},
     {"q": "数据", "education": "bachelor", "salary_band": 4, "origin": "SC"}],
)  # fmt: skip
def test_facet_counts_equal_filtered_totals(index: TantivyIndex, filters: dict) -> None:
    base = SearchRequest(now=NOW, today=TODAY, **filters)
    page = index.search(base)
    fields = {"industry": "industry", "salary_band": "salary_band", "education": "education",
              "origin": "origin", "region": "region", "region_children": "region"}  # fmt: skip
    checked = 0
    for facet, values in page.facets.items():
        for fv in values:
            attr = "recency_days" if facet == "recency" else fields.get(facet, facet)
            value: object = int(fv.value) if attr in ("salary_band", "recency_days") else fv.value
            req = SearchRequest(now=NOW, today=TODAY, **{**filters, attr: value})
            assert index.search(req).total == fv.count, (facet, fv)
            checked += 1
    assert checked > 5


def test_pages_do_not_overlap_and_total_is_exact(index: TantivyIndex) -> None:
    first = index.search(SearchRequest(now=NOW, today=TODAY, per_page=4, page=1))
    second = index.search(SearchRequest(now=NOW, today=TODAY, per_page=4, page=2))
    assert first.total == len(CORPUS)
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}


def test_snippet_highlights_the_query_word(index: TantivyIndex) -> None:
    page = index.search(SearchRequest(q="焊工证", now=NOW, today=TODAY))
    assert page.total == 1
    assert "<mark>焊工证</mark>" in page.hits[0].snippet_html


def test_past_end_postings_are_hidden_and_deletes_apply(index: TantivyIndex) -> None:
    later = TODAY + timedelta(days=31)
    assert index.search(SearchRequest(now=NOW, today=later)).total == 0
    idx = TantivyIndex(None, heap_mb=50, threads=1)
    idx.upsert(CORPUS[:3])
    idx.commit()
    idx.delete(["a" * 32])
    idx.upsert([doc("b" * 32, "普工")])
    idx.commit()
    assert idx.ids() == {"b" * 32, "c" * 32}
    assert ask(idx, "普工") == ["b" * 32]


def test_card_keeps_free_text_holding_the_separator() -> None:
    from chuanyu.jobs.search.schema import card_bytes, card_of

    d = doc("9" * 32, "焊工\x1f组长", desc="负责\x1f焊接")
    card = card_of(card_bytes(d))
    assert card["title"] == "焊工 组长" and card["description"] == "负责 焊接"
    assert card["salary_min"] == 5000 and card["benefits"] == ["五险一金"]


def test_a_word_in_two_synonym_groups_is_refused() -> None:
    assert parse_synonyms("# comment\n司机 驾驶员\n\nJava java开发") == (
        ("司机", "驾驶员"), ("java", "java开发"))  # fmt: skip
    with pytest.raises(ValueError, match="驾驶员"):
        parse_synonyms("司机 驾驶员\n驾驶员 车手")


def test_opening_never_removes_an_index_in_use(tmp_path: Path) -> None:
    path = tmp_path / "idx"
    first = TantivyIndex(path, heap_mb=50, threads=1)
    first.upsert(CORPUS)
    first.commit()  # first holds the writer from here on
    marker = path / VERSION_FILE
    marker.write_text(json.dumps({**index_format(), "synonyms": "0" * 16}))
    second = TantivyIndex(path, heap_mb=50, threads=1)
    assert second.is_new  # must be refilled by whoever holds the writer ...
    assert second.count() == len(CORPUS)  # ... but nothing was removed under the first
    first.upsert(CORPUS[:1])
    first.commit()
    first.close()


def test_an_index_of_another_schema_is_replaced_only_when_free(tmp_path: Path) -> None:
    path = tmp_path / "idx"
    path.mkdir()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("other")
    old = tantivy.Index(builder.build(), str(path))
    writer = old.writer(15_000_000, 1)
    writer.add_document(tantivy.Document(other="旧"))
    writer.commit()
    with pytest.raises(IndexLocked):
        TantivyIndex(path, heap_mb=50, threads=1)
    assert (path / "meta.json").exists()
    writer.wait_merging_threads()
    del writer
    fresh = TantivyIndex(path, heap_mb=50, threads=1)
    assert fresh.is_new and fresh.count() == 0
