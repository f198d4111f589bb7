"""Demo board: this region's share of a generated two-region board of 30,000 postings
(every node searches both regions' shares), searchable at once."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.jobs import files
from chuanyu.jobs.generate import Generator
from chuanyu.jobs.models import Posting
from chuanyu.jobs.service import ingest
from chuanyu.node import Node

DEMO_EMPLOYERS = 800
DEMO_POSTINGS = 30000
PREFIX = {"CQ": "50", "SC": "51"}


def load_demo(session: Session, node: Node) -> str:
    """Load this region's postings of the demo board (once); returns a one-line summary."""
    mine = session.scalar(select(func.count()).where(Posting.origin == node.member)) or 0
    if mine == 0:
        session.commit()  # release the caller's transaction: ingest uses its own
        gen = Generator(seed=2020, as_of=clock.today())
        emps = gen.employers(DEMO_EMPLOYERS)
        rows = (
            ingest.validate_record(files.record_of(p))
            for p in gen.postings(emps, DEMO_POSTINGS)
            if p.division_code.startswith(PREFIX.get(node.member, "--"))
        )
        mine = ingest.stream(node, rows).postings
    return f"招聘岗位：本地区 {mine} 个（与另一地区实时共享）"
