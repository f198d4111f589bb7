"""Turning a `SearchRequest` into tantivy queries: word matching, ranking and filters."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import tantivy
from tantivy import Occur, Query

from chuanyu import divisions
from chuanyu.jobs import lexicon
from chuanyu.jobs.search.base import SearchRequest
from chuanyu.jobs.search.schema import day_number
from chuanyu.jobs.text import synonym_key, synonyms, words_of

# Ranking: a whole-word hit in the title outweighs one in the body, which outweighs a hit
# only as part of a longer word (those score only a constant, so recency orders them).
TITLE_BOOST = 3.0
BODY_BOOST = 1.0
SYNONYM_FACTOR = 0.5
BASE_SCORE = 1.0


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
            for name, boost in (("title_seg", TITLE_BOOST), ("body_seg", BODY_BOOST)):
                q = _whole_word(schema, name, alt)
                if q is not None:
                    shoulds.append(Query.boost_query(q, boost * factor))
    return [match_word(schema, w, recorded) for w in words], shoulds


def region_field(code: str) -> str:
    """Which index field a region filter on `code` applies to."""
    unit = divisions.require(code)
    if unit.level == divisions.PROVINCE:
        return "province"
    return "city" if unit.level == divisions.PREFECTURE else "district"


@dataclass
class Filters:
    """The active filters of a search.

    `ranges` are ranges over fast fields. They join a query as they are: wrapped in a boost or
    constant-score query, tantivy can no longer skip through them cheaply (measured twice as
    slow at 500,000 postings). Each adds 1.0 to the score of every hit, the same for all hits.
    `terms` score nothing.
    """

    terms: list[Query] = field(default_factory=list)
    ranges: list[Query] = field(default_factory=list)


def filter_queries(
    schema: tantivy.Schema, req: SearchRequest, *, exclude: str | None = None
) -> Filters:
    """The active filters (except `exclude`), plus "still within its validity"."""
    out = Filters()
    if req.today is not None:
        out.ranges.append(
            Query.range_query(
                schema, "valid_to", tantivy.FieldType.Integer, day_number(req.today), None
            )
        )
    if req.region and exclude != "region":
        out.terms.append(Query.term_query(schema, region_field(req.region), int(req.region)))
    for name in ("industry", "education", "experience", "origin"):
        value = getattr(req, name)
        if value and exclude != name:
            out.terms.append(Query.term_query(schema, name, value))
    if req.salary_band is not None and exclude != "salary_band":
        out.terms.append(Query.term_query(schema, "band", req.salary_band))
    if req.recency_days and exclude != "recency":
        now = req.now or datetime.now(UTC)
        floor = int((now - timedelta(days=req.recency_days)).timestamp())
        out.ranges.append(
            Query.range_query(schema, "published", tantivy.FieldType.Integer, floor, None)
        )
    return out


def combine(match: Match | None, ranking: list[Query], filters: Filters) -> Query:
    """One boolean query: words must match, filters must hold, `ranking` scores.

    Required word and term clauses are boosted to nothing rather than wrapped in
    constant-score queries: that keeps tantivy leading the intersection with its rarest list.
    Every hit also scores a constant (the range filters' 1.0 each, or `BASE_SCORE` from the
    first word when there is no range filter), so that recency orders those found only inside
    longer words.
    """
    required = [Query.boost_query(q, 0.0) for q in [*(match or []), *filters.terms]]
    if match and not filters.ranges:
        required[0] = Query.const_score_query(match[0], BASE_SCORE)
    required += filters.ranges
    if not required:
        required.append(Query.all_query())
    clauses = [(Occur.Must, q) for q in required] + [(Occur.Should, q) for q in ranking]
    return Query.boolean_query(clauses)
