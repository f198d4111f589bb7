"""The tantivy schema of the posting index and the conversion of postings into documents.

Two kinds of text field serve one query:
- `title_seg` and `body_seg`: rjieba words (whitespace-tokenized), ranked with BM25, so that
  postings where the query word is a whole word come first;
- `grams`: every overlapping two-character piece of the text, in order, one position each
  (cut here in bulk with array operations; indexed with the whitespace tokenizer). A word of
  n ≥ 3 characters occurs as a substring exactly when its n − 1 pieces occur at consecutive
  positions (a phrase query); a two-character word is one term; a one-character word is any
  piece beginning with it (the text ends with a sentinel, so every character begins a piece).
"""

from __future__ import annotations

import array
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime

import tantivy

from chuanyu.jobs import lexicon, reference
from chuanyu.jobs.search.base import PostingDoc
from chuanyu.jobs.text import SEPARATOR, segmenter

SCHEMA_VERSION = 5
WORD_TOKENIZER = "words"
RAW_FIELDS = ("industry", "education", "experience", "origin")
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
# Recency breaks ties: scores are multiplied by log2(2 + weight), a few parts per million per day.
WEIGHT_PER_DAY = 1e-5
# Card layout: the stored summary's values in this order.
CARD_FIELDS = (
    "id", "origin", "title", "employer_name", "division_code", "industry_code", "salary_min",
    "salary_max", "education", "experience", "employment_type", "headcount", "benefits",
    "published_at", "valid_to", "description",
)  # fmt: skip


def build_schema() -> tantivy.Schema:
    """The index schema."""
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("pid", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("title_seg", tokenizer_name=WORD_TOKENIZER, index_option="freq")
    sb.add_text_field("body_seg", tokenizer_name=WORD_TOKENIZER, index_option="freq")
    sb.add_text_field("grams", tokenizer_name=WORD_TOKENIZER, index_option="position")
    sb.add_text_field("syn", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("known", tokenizer_name="raw", index_option="basic")
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
    """Register the analyzer the schema names: split at blanks, lower-case."""
    index.register_tokenizer(
        WORD_TOKENIZER,
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
        .filter(tantivy.Filter.lowercase())
        .build(),
    )


def day_number(day: date) -> int:
    """Days since 1970-01-01 (the unit of the `valid_to` field)."""
    return day.toordinal() - date(1970, 1, 1).toordinal()


# Separates the card's values: a control character no posting field can hold.
_UNIT = "\x1f"
_UNIT_FIELDS = frozenset({"salary_min", "salary_max", "headcount"})


def card_bytes(doc: PostingDoc) -> bytes:
    """The stored summary a result shows without a database round trip (values joined by a
    unit separator: much cheaper to write than JSON, and ingest writes one per posting)."""
    return _UNIT.join(
        (doc.id, doc.origin, _free(doc.title), _free(doc.employer_name), doc.division_code,
         doc.industry_code, str(doc.salary_min), str(doc.salary_max), doc.education,
         doc.experience, doc.employment_type, str(doc.headcount), _free("、".join(doc.benefits)),
         doc.published_at.isoformat(), doc.valid_to.isoformat(), _free(doc.description))
    ).encode()  # fmt: skip


def _free(text: str) -> str:
    """Free text without the separator (it would split the value)."""
    return text.replace(_UNIT, " ") if _UNIT in text else text


def card_of(stored: bytes) -> dict[str, object]:
    """A stored summary as a dict, with the work place's label."""
    values = stored.decode().split(_UNIT)
    card: dict[str, object] = {
        f: int(v) if f in _UNIT_FIELDS else v for f, v in zip(CARD_FIELDS, values, strict=True)
    }
    card["benefits"] = [b for b in str(card["benefits"]).split("、") if b]
    card["place"] = reference.place(str(card["division_code"])).label
    return card


# Blank and sentinel as UTF-32 code units.
_SPACE = array.array("I", " ".encode("utf-32-le"))[0]
# Stands for whitespace inside the text, so that no piece contains a blank.
BLANK = "_"
_BLANKS = re.compile(r"\s")


def gram_texts(texts: Sequence[str]) -> list[str]:
    """Each text as its overlapping two-character pieces separated by blanks.

    Done for a whole batch at once with array operations: cutting text by text in Python
    costs more than tantivy's own indexing of the pieces. Each text gets a trailing
    `SEPARATOR`, so its last character also begins a piece.
    """
    lengths = [len(t) + 1 for t in texts]
    joined = _BLANKS.sub(BLANK, SEPARATOR.join(texts) + SEPARATOR)
    units = array.array("I")
    units.frombytes(joined.encode("utf-32-le"))
    n = len(units)
    out = array.array("I", bytes(12 * n))
    out[0::3] = units
    out[1::3] = units[1:] + array.array("I", [_SPACE])
    out[2::3] = array.array("I", [_SPACE]) * n
    big = out.tobytes().decode("utf-32-le")
    pieces, pos = [], 0
    for length in lengths:
        # The last piece of each text would span into the next one: leave it out.
        pieces.append(big[3 * pos : 3 * (pos + length - 1)])
        pos += length
    return pieces


def to_documents(docs: Sequence[PostingDoc]) -> list[tantivy.Document]:
    """The tantivy documents of a batch of postings."""
    texts = [doc.searchable_text() for doc in docs]
    grams = gram_texts(texts)
    cut = segmenter().cut
    return [
        _document(doc, cut(text), piece, lexicon.find(text.lower()))
        for doc, text, piece in zip(docs, texts, grams, strict=True)
    ]


def index_format() -> dict[str, object]:
    """What an index on disk must have been built with to be used as it is."""
    return {"schema_version": SCHEMA_VERSION, "vocabulary": lexicon.digest()}


def _document(
    doc: PostingDoc, words: list[str], grams: str, known: lexicon.Found
) -> tantivy.Document:
    place = doc.place
    published = doc.published_at.astimezone(UTC)
    weight = max(0.0, (published - EPOCH).total_seconds() / 86400 * WEIGHT_PER_DAY)
    # The title is the first field of the text, and segmentation never crosses the separator.
    end = words.index(SEPARATOR) if SEPARATOR in words else len(words)
    d = tantivy.Document()
    d.add_text("pid", doc.id)
    d.add_text("title_seg", " ".join(words[:end]))
    d.add_text("body_seg", " ".join(words))
    d.add_text("grams", grams)
    for key in known.synonym_keys:
        d.add_text("syn", key)
    for word in known.words:
        d.add_text("known", word)
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
    d.add_bytes("card", card_bytes(doc))
    return d
