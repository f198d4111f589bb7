"""Load benchmark: a mixed workload driven by locust against two live nodes, on PostgreSQL with
several workers per node and on SQLite with one process per node, in the same run.

The workload (bench/load_locustfile.py): page views, job searches, window intakes sent to the
other region, cross-region licence certificate checks and new job postings, spread over both
nodes. Each profile runs `--duration` seconds; locust reports per-endpoint p50/p99 and
failures. Writes bench/results/load.json (`BENCH=load make bench`; `--duration 20` for a quick
check).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import machine, write  # noqa: E402
from chuanyu.registry import uscc  # noqa: E402
from chuanyu.registry.demo import sample_application  # noqa: E402
from tests.support.nodes import LiveFederation, wait_until  # noqa: E402

PG_URL = os.environ.get("CHUANYU_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
LOCUSTFILE = Path(__file__).with_name("load_locustfile.py")
DIVISIONS = {"CQ": "500103", "SC": "510104"}
LICENCE_NAMES = {"CQ": ("重庆山城压测科技有限公司", "重庆两江压测科技有限公司",
                        "重庆嘉陵压测科技有限公司"),
                 "SC": ("成都天府压测科技有限公司", "成都锦江压测科技有限公司",
                        "成都蜀都压测科技有限公司")}  # fmt: skip
ROLES = ("window_clerk", "hr_officer", "registrar")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def seed(fed: LiveFederation) -> dict[str, Any]:
    """Accounts, licences to verify and an employer per node; returns the users' config."""
    rng = random.Random(15)
    config: dict[str, Any] = {"urls": {}, "tokens": {}, "licences": {}, "employers": {}}
    for member in ("CQ", "SC"):
        node = fed[member]
        config["urls"][member] = node.url
        config["tokens"][member] = {role: node.token(role) for role in ROLES}
        config["employers"][member] = uscc.assemble(
            category="1", division_code=DIVISIONS[member][:4] + "00",
            org_body=uscc.random_org_body(rng.randrange))
        codes = []
        for i, name in enumerate(LICENCE_NAMES[member]):
            body = {"application": sample_application(member, name=name, seed=100 + i)
                    .model_dump(mode="json"), "case_number": None}
            r = httpx.post(f"{node.url}/api/registry/licences", json=body,
                           headers=node.headers("registrar"), timeout=60)
            if r.status_code != 201:
                raise SystemExit(f"seeding a licence on {member} failed: {r.text[:300]}")
            codes.append(r.json()["uscc"])
        config["licences"][member] = codes
        r = httpx.post(f"{node.url}/api/window/catalogue", headers=node.headers("admin"),
                       timeout=60)
        r.raise_for_status()
    for member in ("CQ", "SC"):  # each node learns the other's catalogue through the exchange
        peer = "SC" if member == "CQ" else "CQ"
        wait_until(lambda u=fed[member].url, p=peer: httpx.get(  # type: ignore[misc]
            f"{u}/api/window/matters", params={"member": p}, timeout=30).json(),
            timeout=120, message=f"{peer} catalogue on {member}")
    return config


def _watch(history: Path, label: str, duration: float, done: threading.Event) -> None:
    """Progress every 15 s from locust's running totals."""
    started = time.monotonic()
    while not done.wait(15):
        line = ""
        try:
            rows = list(csv.DictReader(history.open(encoding="utf-8")))
            agg = [r for r in rows if r["Name"] == "Aggregated"]
            if agg:
                last = agg[-1]
                line = (f" — {last['Total Request Count']} requests, "
                        f"{last['Total Failure Count']} failures, "
                        f"{float(last['Requests/s']):.0f} req/s now, "
                        f"p99 {last['99%']} ms")
        except (OSError, KeyError, ValueError):
            pass
        log(f"  {label}: {min(time.monotonic() - started, duration):.0f}/{duration:.0f} s{line}")


def run_locust(label: str, config: dict[str, Any], work: Path, duration: int,
               users: int) -> dict[str, Any]:
    """Run the locust users headless for `duration` seconds; per-endpoint figures."""
    config_path = work / f"{label}-config.json"
    config_path.write_text(json.dumps(config, ensure_ascii=False))
    prefix = work / label
    cmd = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
           "-u", str(users), "-r", str(users), "-t", f"{duration}s", "--stop-timeout", "30",
           "--csv", str(prefix), "--csv-full-history", "--only-summary",
           "--loglevel", "WARNING", "--exit-code-on-error", "0"]
    done = threading.Event()
    watcher = threading.Thread(target=_watch, daemon=True, args=(
        Path(f"{prefix}_stats_history.csv"), label, duration, done))
    watcher.start()
    started = time.monotonic()
    try:
        subprocess.run(cmd, env={**os.environ, "LOAD_CONFIG": str(config_path)}, check=True,
                       cwd=ROOT, stdout=subprocess.DEVNULL, timeout=duration + 300)
    finally:
        done.set()
    elapsed = time.monotonic() - started
    return {"elapsed_s": round(elapsed, 1), **read_stats(Path(f"{prefix}_stats.csv")),
            "failure_samples": read_failures(Path(f"{prefix}_failures.csv"))}


def read_stats(path: Path) -> dict[str, Any]:
    """Per-endpoint and total figures from locust's stats CSV."""
    endpoints: dict[str, Any] = {}
    total: dict[str, Any] = {}
    for row in csv.DictReader(path.open(encoding="utf-8")):
        figures = {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                   "rps": round(float(row["Requests/s"]), 1),
                   "p50_ms": float(row["50%"]), "p99_ms": float(row["99%"]),
                   "mean_ms": round(float(row["Average Response Time"]), 1)}
        if row["Name"] == "Aggregated":
            total = figures
        else:
            endpoints[f"{row['Type']} {row['Name']}"] = figures
    return {"total": total, "endpoints": endpoints}


def read_failures(path: Path) -> list[dict[str, str]]:
    """Up to ten kinds of failure, as locust grouped them."""
    if not path.exists():
        return []
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    return [{"endpoint": r["Name"], "error": r["Error"][:300], "count": r["Occurrences"]}
            for r in rows[:10]]


def profile(backend: str, work: Path, duration: int, users: int, workers: int) -> dict[str, Any]:
    """Start two nodes on `backend`, seed them, run the users, stop the nodes."""
    extra = {"CHUANYU_DATABASE_URL": PG_URL} if backend == "postgres" else {}
    fed = LiveFederation(work / backend, extra_env=extra)
    schemas: list[str] = []
    if backend == "postgres":
        tag = uuid.uuid4().hex[:8]
        for node in (fed.cq, fed.sc):
            schemas.append(f"load_{tag}_{node.member.lower()}")
            node.env["CHUANYU_DATABASE_SCHEMA"] = schemas[-1]
            node.workers = workers
    try:
        log(f"{backend}: starting CQ and SC ({workers} worker(s) each) …")
        fed.start()
        config = seed(fed)
        log(f"{backend}: {users} users for {duration} s …")
        result = run_locust(backend, config, work, duration, users)
    finally:
        fed.stop()
        if schemas:
            engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                for schema in schemas:
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            engine.dispose()
    total = result["total"]
    if total["failures"]:
        kept = Path(tempfile.mkdtemp(prefix=f"chuanyu-load-{backend}-logs-"))
        for path in (work / backend).glob("*.log"):
            shutil.copy(path, kept / path.name)
        log(f"{backend}: failures; the nodes' logs are kept in {kept}")
    log(f"{backend}: {total['requests']} requests, {total['failures']} failures, "
        f"{total['rps']} req/s, p99 {total['p99_ms']} ms")
    return {"workers_per_node": workers, "users": users, **result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=300, help="seconds per profile")
    parser.add_argument("--users", type=int, default=16, help="concurrent locust users")
    parser.add_argument("--workers", type=int, default=2, help="workers per PostgreSQL node")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chuanyu-load-") as tmp:
        work = Path(tmp)
        pg = profile("postgres", work, args.duration, args.users, args.workers)
        lite = profile("sqlite", work, args.duration, args.users, 1)
    table = {name: {"postgres": pg["endpoints"].get(name), "sqlite": lite["endpoints"].get(name)}
             for name in sorted(set(pg["endpoints"]) | set(lite["endpoints"]))}
    result = {
        "machine": machine(),
        "duration_s": args.duration,
        "users": args.users,
        "requests": pg["total"]["requests"] + lite["total"]["requests"],
        "failures": pg["total"]["failures"] + lite["total"]["failures"],
        "postgres_workers": args.workers,
        "postgres_rps": pg["total"]["rps"],
        "postgres_p50_ms": pg["total"]["p50_ms"],
        "postgres_p99_ms": pg["total"]["p99_ms"],
        "sqlite_rps": lite["total"]["rps"],
        "sqlite_p50_ms": lite["total"]["p50_ms"],
        "sqlite_p99_ms": lite["total"]["p99_ms"],
        "endpoints": table,
        "profiles": {"postgres": pg, "sqlite": lite},
        "what": "locust users (no think time beyond 0–50 ms) spreading page views, searches, "
                "window intakes to the other region, cross-region licence certificate checks "
                "and postings over both nodes; each profile runs duration_s seconds; "
                "percentiles are locust's (rounded to 2 significant digits above 100 ms)",
        "targets": {"failures": "== 0"},
    }
    path = write("load", result)
    log(f"wrote {path}")
    print(f"requests={result['requests']} failures={result['failures']} "
          f"postgres_rps={result['postgres_rps']} postgres_p99_ms={result['postgres_p99_ms']} "
          f"sqlite_rps={result['sqlite_rps']} sqlite_p99_ms={result['sqlite_p99_ms']}")


if __name__ == "__main__":
    main()
