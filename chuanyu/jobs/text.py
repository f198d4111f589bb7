"""Chinese text handling for search: segmentation, query words, synonyms, highlighting.

Segmentation uses rjieba with the domain's custom words (`data/userdict.txt`, jieba's
dictionary format: `word frequency tag`).
"""

from __future__ import annotations

import html
import re
from functools import cache
from importlib import resources

import rjieba

# Field separator inside the searchable text: not a word character, so no query word spans it.
SEPARATOR = "｜"
MAX_QUERY_WORDS = 8
MAX_WORD_CHARS = 32
_WORD = re.compile(r"[^\W_]+")


@cache
def _custom_entries() -> tuple[tuple[str, int | None, str | None], ...]:
    """The entries of `data/userdict.txt` (jieba's format: word, frequency, tag)."""
    text = resources.files("chuanyu.jobs").joinpath("data", "userdict.txt").read_text("utf-8")
    entries = []
    for line in text.splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        freq = int(parts[1]) if len(parts) > 1 else None
        tag = parts[2] if len(parts) > 2 else None
        entries.append((parts[0], freq, tag))
    return tuple(entries)


def custom_words() -> list[str]:
    """The job words added to the segmenter's dictionary."""
    return [word for word, _freq, _tag in _custom_entries()]


@cache
def segmenter() -> rjieba.Jieba:
    """An rjieba segmenter with the custom job words added."""
    jieba = rjieba.Jieba()
    for word, freq, tag in _custom_entries():
        jieba.add_word(word, freq, tag)
    return jieba


def segment(text: str) -> str:
    """Words of `text` separated by spaces (for the whitespace tokenizer; runs of blanks are
    harmless there)."""
    return " ".join(segmenter().cut(text))


def words_of(text: str) -> list[str]:
    """The segmented words of a short text, lower-cased, without punctuation."""
    return [w.lower() for w in segmenter().cut(text) if _WORD.fullmatch(w)]


def is_query_word(text: str) -> bool:
    """True when `text` is one word as queries split them (letters and digits only)."""
    return _WORD.fullmatch(text) is not None


def query_words(query: str) -> list[str]:
    """The words a query asks for: split at spaces and punctuation, lower-cased, unique."""
    seen: list[str] = []
    for word in _WORD.findall(query.lower()):
        word = word[:MAX_WORD_CHARS]
        if word not in seen:
            seen.append(word)
    return seen[:MAX_QUERY_WORDS]


@cache
def synonym_groups_list() -> tuple[tuple[str, ...], ...]:
    """The groups of `data/synonyms.txt`, lower-cased, one tuple of words per line."""
    text = resources.files("chuanyu.jobs").joinpath("data", "synonyms.txt").read_text("utf-8")
    return parse_synonyms(text)


def parse_synonyms(text: str) -> tuple[tuple[str, ...], ...]:
    """Synonym groups, one per line; a word may belong to one group only (a second one
    would make what a query finds depend on the order of the lines)."""
    groups: list[tuple[str, ...]] = []
    owner: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        words = tuple(dict.fromkeys(w.lower() for w in line.split()))
        if not words or words[0].startswith("#"):
            continue
        for word in words:
            if word in owner:
                raise ValueError(f"synonyms line {number}: {word} is already in line {owner[word]}")
            owner[word] = number
        groups.append(words)
    return tuple(groups)


@cache
def synonym_groups() -> dict[str, tuple[str, ...]]:
    """For each word of `data/synonyms.txt`, the other words of its group."""
    return {w: tuple(o for o in words if o != w) for words in synonym_groups_list() for w in words}


def synonyms(word: str) -> tuple[str, ...]:
    """Other words that mean the same job as `word` (empty when none)."""
    return synonym_groups().get(word, ())


@cache
def _synonym_keys() -> dict[str, str]:
    return {w: words[0] for words in synonym_groups_list() for w in words}


def synonym_key(word: str) -> str | None:
    """The name of the group `word` belongs to (its first word), or None."""
    return _synonym_keys().get(word)


def contains_all(text: str, words: list[str]) -> bool:
    """True when every word occurs in `text` as a substring (case-insensitive)."""
    low = text.lower()
    return all(w in low for w in words)


def highlight(text: str, words: list[str], width: int = 90) -> str:
    """An HTML-escaped excerpt of `text` around the first match, matches in `<mark>`."""
    low = text.lower()
    hits = [(low.find(w), w) for w in words if w and low.find(w) >= 0]
    start = max(0, min(i for i, _ in hits) - width // 4) if hits else 0
    excerpt = text[start : start + width]
    if not words:
        return html.escape(excerpt) + ("…" if len(text) > start + width else "")
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.I)
    out, pos = [], 0
    for m in pattern.finditer(excerpt):
        out.append(html.escape(excerpt[pos : m.start()]))
        out.append(f"<mark>{html.escape(m.group())}</mark>")
        pos = m.end()
    out.append(html.escape(excerpt[pos:]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if len(text) > start + width else ""
    return prefix + "".join(out) + suffix
