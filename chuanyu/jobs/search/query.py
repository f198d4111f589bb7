"""Turning a `SearchRequest` into tantivy queries: word matching, ranking and filters."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import tantivy
from tantivy import Occur, Query

from chuanyu import divisions
from chuanyu.jobs import lexicon
from chuanyu.jobs.search.base import SearchRequest
from chuanyu.jobs.search.schema import day_number
from chuanyu.jobs.text import synonym_key, synonyms, words_of

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
    return Query.phrase_query(schema, "grams", cover(word))


def cover(word: str) -> list[str | tuple[int, str]]:
    """The fewest pieces of `word` (with their offsets) that cover each of its characters:
    every other piece, plus the last one when the length is odd. Requiring exactly these at
    their offsets matches the same texts as requiring all pieces, with half the lists."""
    offsets = list(range(0, len(word) - 1, 2))
    if len(word) % 2:
        offsets.append(len(word) - 2)
    return [(i, word[i : i + 2]) for i in offsets]


def _whole_word(schema: tantivy.Schema, field: str, word: str) -> Query | None:
    tokens = words_of(word)
    if not tokens:
        return None
    if len(tokens) == 1:
        return Query.term_query(schema, field, tokens[0])
    # The word fields keep no positions: all the word's pieces present counts as the word.
    return Query.boolean_query([(Occur.Must, Query.term_query(schema, field, t)) for t in tokens])


# What the words require: one query per word, all of which must match.
Match = list[Query]


def match_word(schema: tantivy.Schema, word: str, recorded: bool = True) -> Query:
    """Postings containing `word`, or one of its synonyms, as a substring. With `recorded`
    (the index holds this vocabulary), a word with synonyms or another known word is one
    lookup: the index records which of them occur in each posting."""
    if recorded:
        key = synonym_key(word)
        if key is not None:
            return Query.term_query(schema, "syn", key)
        if word in lexicon.known_words():
            return Query.term_query(schema, "known", word)
    group = (word, *synonyms(word))
    if len(group) == 1:
        return substring_query(schema, word)
    return Query.boolean_query([(Occur.Should, substring_query(schema, w)) for w in group])


def words_query(
    schema: tantivy.Schema, words: list[str], recorded: bool = True
) -> tuple[Match | None, list[Query]]:
    """(match, ranking): every word must occur (or a synonym); whole words score higher."""
    if not words:
        return None, []
    shoulds: list[Query] = []
    for word in words:
        for alt, factor in [(word, 1.0)] + [(s, SYNONYM_FACTOR) for s in synonyms(word)]:
            for field, boost in (("title_seg", TITLE_BOOST), ("body_seg", BODY_BOOST)):
                q = _whole_word(schema, field, alt)
                if q is not None:
                    shoulds.append(Query.boost_query(q, boost * factor))
    return [match_word(schema, w, recorded) for w in words], shoulds


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


def combine(match: Match | None, ranking: list[Query], filters: list[Query]) -> Query:
    """One boolean query: words must match, filters must hold (scoring nothing).

    Required clauses are boosted to nothing rather than wrapped in constant-score queries:
    that keeps tantivy leading the intersection with its rarest list.
    """
    must = [Query.boost_query(q, 0.0) for q in [*(match or []), *filters]]
    clauses = [(Occur.Must, q) for q in must] + [(Occur.Should, q) for q in ranking]
    if not must:
        clauses.append((Occur.Must, Query.all_query()))
    query = Query.boolean_query(clauses)
    if not match or not ranking:
        return query
    # Every match scores a small constant besides, so that recency orders those found only
    # inside longer words. Joined outside (not as one more optional clause, which would make
    # tantivy walk every posting to score the optional ones: measured twice as slow).
    return Query.boolean_query(
        [
            (Occur.Must, query),
            (Occur.Must, Query.const_score_query(Query.all_query(), SUBSTRING_SCORE)),
        ]
    )
