"""Demo data of the ledger: the seed report, recorded by Chongqing.

The seed is a Chongqing progress report, so its entries are owned by the CQ node, which records
them; the SC node receives them through the `ledger.entries` stream once both nodes run (a
single writer per record, as everywhere in Chuanyu). Loading them on SC as well would create a
second, conflicting owner of the same facts.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from chuanyu.ledger.service.seed import load_seed
from chuanyu.node import Node

SEED_OWNER = "CQ"


def load_demo(session: Session, node: Node) -> str:
    """Load the seed on CQ; on SC, rely on replication."""
    if node.member != SEED_OWNER:
        return "seed entries arrive from CQ through the ledger.entries stream"
    result = load_seed(session=session, member=node.member)
    return (
        f"{result.entries} entries and {result.figures} reported figures recorded "
        f"({result.skipped} already present)"
    )
