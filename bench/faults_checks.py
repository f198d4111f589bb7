"""What the fault benchmark reads from the two nodes' SQLite files: progress, drain, and checks.

Every read opens its own read-only connection, so the nodes keep their write locks to themselves
and a node killed mid-transaction never leaves the benchmark on a stale snapshot.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MEMBERS = ("CQ", "SC")
KINDS = {"jobs.postings": "postings", "ledger.entries": "ledger", "window.cases": "window",
         "window.results": "window", "exchange.probe": "probe"}


def peer_of(member: str) -> str:
    """The other member."""
    return "SC" if member == "CQ" else "CQ"


def kind_of(stream: str) -> str:
    """The workload kind a stream belongs to (catalogue and audit heads are `other`)."""
    return KINDS.get(stream, "other")


@contextlib.contextmanager
def reading(db: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection that waits out the node's checkpoints."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        yield conn
    finally:
        conn.close()


def stream_counts(dbs: dict[str, Path]) -> list[dict[str, Any]]:
    """Per (producer, stream): published, acknowledged by the peer, applied there, refused, held."""
    heads: dict[str, dict[str, int]] = {}
    acked: dict[str, dict[str, int]] = {}
    applied: dict[str, dict[tuple[str, str], int]] = {}
    refused: dict[str, Counter[tuple[str, str]]] = {}
    held: dict[str, Counter[tuple[str, str]]] = {}
    for member, db in dbs.items():
        with reading(db) as c:
            heads[member] = dict(c.execute("SELECT stream, last_seq FROM exchange_stream_head"))
            acked[member] = dict(c.execute(
                "SELECT stream, acked_seq FROM exchange_delivery WHERE subscriber = ?",
                (peer_of(member),)))
            applied[member] = {(p, s): n for p, s, n in c.execute(
                "SELECT producer, stream, applied_seq FROM exchange_inbox_cursor")}
            refused[member] = Counter({(p, s): n for p, s, n in c.execute(
                "SELECT producer, stream, count(*) FROM exchange_inbox_refused "
                "GROUP BY producer, stream")})
            held[member] = Counter({(p, s): n for p, s, n in c.execute(
                "SELECT producer, stream, count(*) FROM exchange_inbox_held "
                "GROUP BY producer, stream")})
    rows = []
    for producer in dbs:
        consumer = peer_of(producer)
        for stream, published in sorted(heads[producer].items()):
            key = (producer, stream)
            rows.append({"producer": producer, "stream": stream, "kind": kind_of(stream),
                         "published": published, "acked": acked[producer].get(stream, 0),
                         "applied": applied[consumer].get(key, 0),
                         "refused": refused[consumer][key], "held": held[consumer][key]})
    return rows


def backlog(dbs: dict[str, Path]) -> int:
    """Events published but not yet acknowledged by the peer, over both nodes."""
    return sum(r["published"] - r["acked"] for r in stream_counts(dbs))


def probe_check(dbs: dict[str, Path]) -> dict[str, int]:
    """Probe events: published seqs against the peer's applied rows, per seq."""
    lost = doubled = published = delivered = 0
    for producer, db in dbs.items():
        with reading(db) as c:
            sent = {s for (s,) in c.execute(
                "SELECT seq FROM exchange_outbox WHERE stream = 'exchange.probe'")}
        with reading(dbs[peer_of(producer)]) as c:
            got = Counter(s for (s,) in c.execute(
                "SELECT seq FROM exchange_probe WHERE producer = ?", (producer,)))
        published += len(sent)
        delivered += len(got)
        lost += len(sent - set(got))
        doubled += sum(n - 1 for n in got.values() if n > 1)
    return {"published": published, "delivered": delivered, "lost": lost, "doubled": doubled}


def replica_check(dbs: dict[str, Path], table: str, owner_column: str) -> dict[str, int]:
    """Owned rows against the peer's replicas: missing or stale (lost), repeated (doubled)."""
    lost = doubled = stale = owned_total = 0
    for owner, db in dbs.items():
        with reading(db) as c:
            owned = dict(c.execute(
                f"SELECT id, version FROM {table} WHERE {owner_column} = ?", (owner,)))
        with reading(dbs[peer_of(owner)]) as c:
            copies = c.execute(f"SELECT id, version FROM {table} WHERE {owner_column} = ?",
                               (owner,)).fetchall()
        seen = Counter(i for i, _v in copies)
        versions = dict(copies)
        owned_total += len(owned)
        lost += len(set(owned) - set(seen))
        doubled += sum(n - 1 for n in seen.values() if n > 1)
        stale += sum(1 for i, v in owned.items() if i in versions and versions[i] != v)
    return {"owned": owned_total, "lost": lost, "doubled": doubled, "stale": stale}


def window_check(dbs: dict[str, Path]) -> dict[str, Any]:
    """Every case on either node: present on the other with the same status and timeline."""
    cases: dict[str, dict[str, tuple[str, tuple[tuple[int, str], ...]]]] = {}
    for member, db in dbs.items():
        with reading(db) as c:
            timeline: dict[int, list[tuple[int, str]]] = {}
            for case_id, seq, action in c.execute(
                    "SELECT case_id, seq, action FROM window_case_event ORDER BY case_id, seq"):
                timeline.setdefault(case_id, []).append((seq, action))
            cases[member] = {number: (status, tuple(timeline.get(cid, ()))) for cid, number, status
                             in c.execute("SELECT id, case_number, status FROM window_case")}
    numbers = set(cases["CQ"]) | set(cases["SC"])
    stuck = sorted(n for n in numbers if cases["CQ"].get(n) != cases["SC"].get(n))
    doubled = 0
    for member in MEMBERS:
        for _status, events in cases[member].values():
            doubled += len(events) - len({seq for seq, _a in events})
    statuses = Counter(state for state, _e in cases["CQ"].values())
    return {"cases": len(numbers), "stuck": len(stuck), "stuck_examples": stuck[:10],
            "doubled_events": doubled, "statuses_on_cq": dict(statuses),
            "detail": {n: {m: cases[m].get(n) for m in MEMBERS} for n in stuck[:5]}}


def open_posting_ids(db: Path) -> set[str]:
    """Ids of the open postings a node's database holds (both regions)."""
    with reading(db) as c:
        return {i for (i,) in c.execute("SELECT id FROM jobs_posting WHERE status = 'open'")}


def index_ids(index_dir: Path) -> set[str]:
    """Ids the node's search index returns, read from its files."""
    from chuanyu.jobs.search.tantivy_index import TantivyIndex

    return TantivyIndex(index_dir).ids()
