"""Demo board: this region's share of a generated two-region board of 30,000 postings
(every node searches both regions' shares), searchable at once."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.core.db import read_scope
from chuanyu.core.errors import InvalidInput
from chuanyu.jobs import files
from chuanyu.jobs.generate import Generator
from chuanyu.jobs.models import Posting
from chuanyu.jobs.service import employers, ingest
from chuanyu.node import Node
from chuanyu.registry import service as registry_service
from chuanyu.registry.demo import DEMO_NAMES

DEMO_EMPLOYERS = 800
DEMO_POSTINGS = 30000
PREFIX = {"CQ": "50", "SC": "51"}


def load_demo(session: Session, node: Node) -> str:
    """Load this region's postings of the demo board (once); returns a one-line summary."""
    # The bulk load writes in units of work of its own: the caller's session stays unused.
    with read_scope(node) as reader:
        mine = reader.scalar(select(func.count()).where(Posting.origin == node.member)) or 0
    if mine == 0:
        gen = Generator(seed=2020, as_of=clock.today())
        emps = gen.employers(DEMO_EMPLOYERS)
        rows = (
            ingest.validate_record(files.record_of(p))
            for p in gen.postings(emps, DEMO_POSTINGS)
            if p.division_code.startswith(PREFIX.get(node.member, "--"))
        )
        mine = ingest.stream(node, rows).postings
    bound = bind_demo_employer(session, node)
    return f"招聘岗位：本地区 {mine} 个（与另一地区实时共享）；{bound}"


def bind_demo_employer(session: Session, node: Node) -> str:
    """Bind the demo employer account to the region's first demo business (registry demo)."""
    username = f"{node.member.lower()}-employer"
    names = DEMO_NAMES.get(node.member, ())
    row = registry_service.names.holder_of(session=session, name=names[0]) if names else None
    if row is None:
        return f"{username} 未绑定（本地区没有演示营业执照）"
    business = employers.RegisteredBusiness(row.uscc, row.name, row.issuer_member)
    try:
        employers.bind(session=session, username=username, business=business)
    except InvalidInput:
        return f"{username} 未绑定（没有该演示账号）"
    return f"{username} 绑定 {row.name}（{row.uscc}）"
