"""Known words: the job board's own vocabulary, found in each posting when it is indexed.

The vocabulary is the job-title catalogue and the words inside its titles (工程师 in
软件开发工程师: the heads people search for), the custom segmentation words, the benefit names
and the synonym groups. A posting's index entry records which of them occur in its text as
substrings (one Aho-Corasick pass over the text), so that a query for a known word is one
term lookup instead of a phrase over character pairs, and finds exactly the same postings.
Words of one or two characters are left out: the character-pair field answers those with a
single term already.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

import ahocorasick

from chuanyu.jobs import reference
from chuanyu.jobs.text import custom_words, is_query_word, segmenter, synonym_groups_list

MIN_CHARS = 3


@dataclass(frozen=True)
class Found:
    """The known words of one text: synonym groups (by their first word) and other words."""

    synonym_keys: list[str]
    words: list[str]


@cache
def known_words() -> frozenset[str]:
    """Known words outside the synonym groups (lower-cased, three characters or more)."""
    in_groups = {w for group in synonym_groups_list() for w in group}
    titles = [o.title for o in reference.occupations()]
    cut = segmenter().cut
    candidates = titles + [w for title in titles for w in cut(title)]
    candidates += custom_words()
    candidates += [str(b) for b in reference.phrases().get("benefits", [])]
    return frozenset(
        w
        for w in (c.lower() for c in candidates)
        if len(w) >= MIN_CHARS and is_query_word(w) and w not in in_groups
    )


@cache
def _automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for group in synonym_groups_list():
        for word in group:
            automaton.add_word(word, (True, group[0]))
    for word in known_words():
        automaton.add_word(word, (False, word))
    automaton.make_automaton()
    return automaton


def find(text: str) -> Found:
    """The known words occurring in `text` (lower-cased) as substrings, each once."""
    keys: dict[str, None] = {}
    words: dict[str, None] = {}
    for _end, (is_group, value) in _automaton().iter(text):
        (keys if is_group else words)[value] = None
    return Found(list(keys), list(words))


@cache
def digest() -> str:
    """A short digest of the vocabulary: an index built with another one is rebuilt."""
    content = repr((synonym_groups_list(), sorted(known_words())))
    return hashlib.sha256(content.encode()).hexdigest()[:16]
