"""Loading this region's share of a generated two-region board into the database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from chuanyu.core.db import read_scope
from chuanyu.jobs import files
from chuanyu.jobs.generate import Generator
from chuanyu.jobs.models import Posting
from chuanyu.jobs.schemas import IngestRecord
from chuanyu.jobs.service import ingest
from chuanyu.node import Node

PREFIX = {"CQ": "50", "SC": "51"}


@dataclass
class GenerateResult:
    """What a generator load did: what it stored, and what an earlier run had stored."""

    stored: ingest.IngestResult
    skipped: int


def load_generated(node: Node, *, employers: int, postings: int, seed: int, as_of: date,
                   progress: Callable[[int], None] | None = None) -> GenerateResult:  # fmt: skip
    """Generate the board (deterministic for a seed) and store this region's share.

    Postings an earlier run of the same seed already stored are skipped, so a second run
    continues after them (a larger `postings` adds the rest) instead of failing on their ids.
    """
    with read_scope(node) as session:
        held = set(session.scalars(select(Posting.id).where(Posting.origin == node.member)))
    gen = Generator(seed=seed, as_of=as_of)
    emps = gen.employers(employers)
    prefix = PREFIX.get(node.member, "--")
    skipped = 0

    def mine() -> Iterator[IngestRecord]:
        nonlocal skipped
        for p in gen.postings(emps, postings):
            if not p.division_code.startswith(prefix):
                continue
            if p.id in held:
                skipped += 1
                continue
            yield ingest.validate_record(files.record_of(p))

    result = ingest.stream(node, mine(), progress=progress)
    return GenerateResult(stored=result, skipped=skipped)
