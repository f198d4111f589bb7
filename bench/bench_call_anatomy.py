"""What one signed call costs the serving node, on SQLite and on PostgreSQL, without HTTP.

The exchange server's call handler runs in-process on a fresh node of each backend: time per
call, SQL statements and commits per call, and beside it the cost of the two things a call's
time on PostgreSQL is made of: a statement round trip and a commit (with the server's
`synchronous_commit`, and without it for comparison). Every audited message appends to the
node's hash chain under the chain head's row lock, held until the commit: a node's audited
messages cannot go faster than its commits, however many workers serve it. Writes
bench/results/call_anatomy.json.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, write  # noqa: E402
from chuanyu import domains  # noqa: E402
from chuanyu.core.config import Settings  # noqa: E402
from chuanyu.exchange import envelope, federation, server, signing  # noqa: E402
from chuanyu.exchange.registry import SERVICES, STREAMS  # noqa: E402
from chuanyu.node import open_node  # noqa: E402

PG_URL = os.environ.get("CHUANYU_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CALLS = 300
BODY = b'{"note": "anatomy"}'


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ms(values: list[float], q: float = 50) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] * 1000, 3)


def calls(root: Path, fed: Path, label: str, **settings: Any) -> dict[str, float]:
    """CALLS pings handled by an in-process SC node: time, statements and commits per call."""
    node = open_node(Settings(member="SC", var_dir=root / label, federation_dir=fed,
                              relay_enabled=False, tasks_enabled=False, **settings))
    key = signing.read_private_key(fed / "keys" / "CQ.key")
    counts = {"statements": 0, "commits": 0}

    def count(name: str) -> Any:
        return lambda *_a, **_k: counts.__setitem__(name, counts[name] + 1)

    event.listen(node.engine, "before_cursor_execute", count("statements"))
    event.listen(node.engine, "commit", count("commits"))
    took = []
    try:
        for _ in range(CALLS):
            env = envelope.make("CQ", "SC", "call", "exchange.ping", signing.digest(BODY))
            headers = env.headers(signing.sign(key, env.signing_bytes()))
            started = time.perf_counter()
            answer = server.handle_call(node, "exchange.ping", headers, BODY)
            took.append(time.perf_counter() - started)
            assert answer.status == 200, answer.body
        with node.engine.connect() as conn:
            trips = []
            for _ in range(200):
                started = time.perf_counter()
                conn.execute(text("SELECT 1"))
                trips.append(time.perf_counter() - started)
    finally:
        node.close()
    return {"handle_p50_ms": ms(took), "handle_p90_ms": ms(took, 90),
            "handle_mean_ms": round(statistics.fmean(took) * 1000, 3),
            "statements_per_call": round(counts["statements"] / CALLS, 2),
            "commits_per_call": round(counts["commits"] / CALLS, 2),
            "round_trip_p50_ms": ms(trips)}


def pg_commits() -> dict[str, float]:
    """One-row insert + commit on PostgreSQL, with and without synchronous_commit."""
    engine = create_engine(PG_URL)
    table = f"anatomy_{uuid.uuid4().hex[:8]}"
    result = {}
    try:
        with engine.begin() as conn:
            conn.execute(text(f"CREATE TABLE {table} (id serial PRIMARY KEY, v text)"))
        for mode in ("on", "off"):
            took = []
            with engine.connect() as conn:
                conn.execute(text(f"SET synchronous_commit = {mode}"))
                conn.commit()
                for _ in range(200):
                    started = time.perf_counter()
                    conn.execute(text(f"INSERT INTO {table} (v) VALUES ('x')"))
                    conn.commit()
                    took.append(time.perf_counter() - started)
            result[f"commit_sync_{mode}_p50_ms"] = ms(took)
            result[f"commit_sync_{mode}_p90_ms"] = ms(took, 90)
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
        engine.dispose()
    return result


def main() -> None:
    domains.load_handlers()
    schema = f"anatomy_{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory(prefix="chuanyu-anatomy-") as tmp:
        root = Path(tmp)
        fed = root / "federation"
        federation.init(fed, services={m: sorted(SERVICES) for m in ("CQ", "SC")},
                        streams={m: sorted(STREAMS) for m in ("CQ", "SC")})
        log(f"sqlite: {CALLS} calls …")
        sqlite = calls(root, fed, "sqlite")
        log(f"postgresql: {CALLS} calls …")
        try:
            pg = calls(root, fed, "pg", database_url=PG_URL, database_schema=schema)
        finally:
            engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            engine.dispose()
    log("postgresql: commits …")
    commits = pg_commits()
    result = {"machine": machine(), "calls": CALLS, "sqlite": sqlite,
              "postgresql": {**pg, **commits},
              "audited_messages_per_s_ceiling_per_node": round(
                  1000 / commits["commit_sync_on_p50_ms"], 1),
              "what": "the exchange server's call handler in-process (no HTTP); the ceiling is "
                      "one audited message per commit, as the chain head's row lock is held "
                      "until the commit"}
    path = write("call_anatomy", result)
    log(f"wrote {path}")
    print(f"sqlite_p50_ms={sqlite['handle_p50_ms']} pg_p50_ms={pg['handle_p50_ms']} "
          f"pg_commit_p50_ms={commits['commit_sync_on_p50_ms']}")


if __name__ == "__main__":
    main()
