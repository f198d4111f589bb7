"""Turning a `SearchRequest` into tantivy queries: word matching, ranking and filters."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import tantivy
from tantivy import Occur, Query

from chuanyu import divisions
from chuanyu.jobs.search.base import SearchRequest
from chuanyu.jobs.search.schema import day_number
from chuanyu.jobs.text import synonyms, words_of

# Ranking: a whole-word hit in the title outweighs one in the body, which outweighs a hit
# only as part of a longer word (those score a small constant, so recency orders them).
TITLE_BOOST = 3.0
BODY_BOOST = 1.0
SYNONYM_FACTOR = 0.5
SUBSTRING_SCORE = 0.1


def substring_query(schema: tantivy.Schema, word: str) -> Query:
    """Postings whose text contains `word` as a substring (via the overlapping pieces).

    Term and phrase queries only, except for one-character words: those match every piece
    beginning with the character (a prefix of the sorted term dictionary).
    """
    word = word.lower()
    if len(word) == 1:
        return Query.regex_query(schema, "grams", re.escape(word) + ".")
    if len(word) == 2:
        return Query.term_query(schema, "grams", word)
    return Query.phrase_query(schema, "grams", [word[i : i + 2] for i in range(len(word) - 1)])


def _whole_word(schema: tantivy.Schema, field: str, word: str) -> Query | None:
    tokens = words_of(word)
    if not tokens:
        return None
    if len(tokens) == 1:
        return Query.term_query(schema, field, tokens[0])
    # The word fields keep no positions: all the word's pieces present counts as the word.
    return Query.boolean_query([(Occur.Must, Query.term_query(schema, field, t)) for t in tokens])


def words_query(schema: tantivy.Schema, words: list[str]) -> tuple[Query | None, list[Query]]:
    """(match, ranking): every word must occur (or a synonym); whole words score higher."""
    musts: list[Query] = []
    shoulds: list[Query] = []
    for word in words:
        alternatives = [(word, 1.0)] + [(s, SYNONYM_FACTOR) for s in synonyms(word)]
        found = [substring_query(schema, alt) for alt, _ in alternatives]
        either = (
            found[0] if len(found) == 1 else Query.boolean_query([(Occur.Should, q) for q in found])
        )
        musts.append(Query.const_score_query(either, SUBSTRING_SCORE))
        for alt, factor in alternatives:
            for field, boost in (("title_seg", TITLE_BOOST), ("body_seg", BODY_BOOST)):
                q = _whole_word(schema, field, alt)
                if q is not None:
                    shoulds.append(Query.boost_query(q, boost * factor))
    if not musts:
        return None, []
    return Query.boolean_query([(Occur.Must, q) for q in musts]), shoulds


def region_field(code: str) -> str:
    """Which index field a region filter on `code` applies to."""
    unit = divisions.require(code)
    if unit.level == divisions.PROVINCE:
        return "province"
    return "city" if unit.level == divisions.PREFECTURE else "district"


def filter_queries(
    schema: tantivy.Schema, req: SearchRequest, *, exclude: str | None = None
) -> list[Query]:
    """One query per active filter (except `exclude`), plus "still within its validity"."""
    out: list[Query] = []
    if req.today is not None:
        out.append(
            Query.range_query(
                schema, "valid_to", tantivy.FieldType.Integer, day_number(req.today), None
            )
        )
    if req.region and exclude != "region":
        out.append(Query.term_query(schema, region_field(req.region), int(req.region)))
    for name in ("industry", "education", "experience", "origin"):
        value = getattr(req, name)
        if value and exclude != name:
            out.append(Query.term_query(schema, name, value))
    if req.salary_band is not None and exclude != "salary_band":
        out.append(Query.term_query(schema, "band", req.salary_band))
    if req.recency_days and exclude != "recency":
        now = req.now or datetime.now(UTC)
        floor = int((now - timedelta(days=req.recency_days)).timestamp())
        out.append(Query.range_query(schema, "published", tantivy.FieldType.Integer, floor, None))
    return out


def combine(match: Query | None, ranking: list[Query], filters: list[Query]) -> Query:
    """One boolean query: words must match, filters must hold (scoring nothing)."""
    clauses: list[tuple[Occur, Query]] = []
    if match is not None:
        clauses.append((Occur.Must, match))
    clauses += [(Occur.Should, q) for q in ranking]
    clauses += [(Occur.Must, Query.const_score_query(f, 0.0)) for f in filters]
    if not any(occur == Occur.Must for occur, _ in clauses):
        clauses.append((Occur.Must, Query.all_query()))
    return Query.boolean_query(clauses)
