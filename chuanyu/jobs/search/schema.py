"""The tantivy schema of the posting index and the conversion of a posting into a document.

Three kinds of text field serve one query:
- `title_seg` and `body_seg`: rjieba words (whitespace-tokenized), ranked with BM25, so that
  postings where the query word is a whole word come first;
- `pair_a` and `pair_b`: the same text cut into consecutive two-character pieces, `pair_b`
  shifted by one character (cut here in bulk; indexed with the whitespace tokenizer). Every
  bigram of the text is a term of one of them, in position
  order, so "this word occurs as a substring" is a phrase query over pieces in either field:
  焊工 is found in 氩弧焊工, 仓管 in 仓管员, one- and two-character words included.
"""

from __future__ import annotations

import array
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime

import tantivy

from chuanyu.jobs.search.base import PostingDoc
from chuanyu.jobs.text import segment

SCHEMA_VERSION = 1
PAIR_TOKENIZER = "pairs"
WORD_TOKENIZER = "words"
RAW_FIELDS = ("industry", "education", "experience", "origin")
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
# Recency breaks ties: scores are multiplied by log2(2 + weight), a few parts per million per day.
WEIGHT_PER_DAY = 1e-5


def build_schema() -> tantivy.Schema:
    """The index schema."""
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("pid", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("title_seg", tokenizer_name=WORD_TOKENIZER, index_option="position")
    sb.add_text_field("body_seg", tokenizer_name=WORD_TOKENIZER, index_option="freq")
    sb.add_text_field("pair_a", tokenizer_name=PAIR_TOKENIZER, index_option="position")
    sb.add_text_field("pair_b", tokenizer_name=PAIR_TOKENIZER, index_option="position")
    for name in RAW_FIELDS:
        sb.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    for name in ("province", "city", "district", "band"):
        sb.add_unsigned_field(name, indexed=True, fast=True)
    sb.add_integer_field("published", indexed=True, fast=True)
    sb.add_integer_field("valid_to", indexed=True, fast=True)
    sb.add_float_field("weight", fast=True)
    sb.add_bytes_field("card", stored=True)
    return sb.build()


def register_tokenizers(index: tantivy.Index) -> None:
    """Register the word and pair analyzers the schema names."""
    index.register_tokenizer(
        WORD_TOKENIZER,
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
        .filter(tantivy.Filter.lowercase())
        .build(),
    )
    index.register_tokenizer(
        PAIR_TOKENIZER,
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
        .filter(tantivy.Filter.lowercase())
        .build(),
    )


def day_number(day: date) -> int:
    """Days since 1970-01-01 (the unit of the `valid_to` field)."""
    return day.toordinal() - date(1970, 1, 1).toordinal()


def card_of(doc: PostingDoc) -> dict[str, object]:
    """The stored summary a result shows without a database round trip."""
    return {
        "id": doc.id,
        "origin": doc.origin,
        "title": doc.title,
        "employer_name": doc.employer_name,
        "division_code": doc.division_code,
        "place": doc.place.label,
        "industry_code": doc.industry_code,
        "salary_min": doc.salary_min,
        "salary_max": doc.salary_max,
        "education": doc.education,
        "experience": doc.experience,
        "employment_type": doc.employment_type,
        "headcount": doc.headcount,
        "benefits": doc.benefits,
        "published_at": doc.published_at.isoformat(),
        "valid_to": doc.valid_to.isoformat(),
        "description": doc.description,
    }


# Two spaces as one UTF-32 unit pair: the gap written after every two-character piece.
_GAP = array.array("Q", "  ".encode("utf-32-le"))[0]
# Stands for a space inside the text, so that no piece contains whitespace.
BLANK = "_"


def pair_texts(texts: Sequence[str], shift: int) -> list[str]:
    """Each text (from offset `shift`) cut into two-character pieces separated by spaces.

    Done for a whole batch at once with array operations: cutting text by text in Python
    costs more than tantivy's own indexing of the pieces.
    """
    parts: list[str] = []
    counts: list[int] = []
    for text in texts:
        piece = text[shift:]
        if len(piece) % 2:
            piece += BLANK
        parts.append(piece)
        counts.append(len(piece) // 2)
    joined = "".join(parts).replace(" ", BLANK)
    units = array.array("Q")
    units.frombytes(joined.encode("utf-32-le"))
    spaced = array.array("Q", bytes(16 * len(units)))
    spaced[0::2] = units
    spaced[1::2] = array.array("Q", [_GAP]) * len(units)
    big = spaced.tobytes().decode("utf-32-le")
    out, pos = [], 0
    for count in counts:
        out.append(big[pos : pos + 4 * count])
        pos += 4 * count
    return out


def to_documents(docs: Sequence[PostingDoc]) -> list[tantivy.Document]:
    """The tantivy documents of a batch of postings."""
    texts = [doc.searchable_text() for doc in docs]
    pairs_a = pair_texts(texts, 0)
    pairs_b = pair_texts(texts, 1)
    return [
        _document(doc, text, a, b)
        for doc, text, a, b in zip(docs, texts, pairs_a, pairs_b, strict=True)
    ]


def _document(doc: PostingDoc, text: str, pairs_a: str, pairs_b: str) -> tantivy.Document:
    place = doc.place
    published = doc.published_at.astimezone(UTC)
    weight = max(0.0, (published - EPOCH).total_seconds() / 86400 * WEIGHT_PER_DAY)
    d = tantivy.Document()
    d.add_text("pid", doc.id)
    d.add_text("title_seg", segment(doc.title))
    d.add_text("body_seg", segment(text))
    d.add_text("pair_a", pairs_a)
    d.add_text("pair_b", pairs_b)
    d.add_text("industry", doc.industry_code)
    d.add_text("education", doc.education)
    d.add_text("experience", doc.experience)
    d.add_text("origin", doc.origin)
    d.add_unsigned("province", int(place.province))
    d.add_unsigned("city", int(place.city))
    d.add_unsigned("district", int(place.district))
    d.add_unsigned("band", doc.salary_band)
    d.add_integer("published", int(published.timestamp()))
    d.add_integer("valid_to", day_number(doc.valid_to))
    d.add_float("weight", weight)
    d.add_bytes("card", json.dumps(card_of(doc), ensure_ascii=False).encode())
    return d
