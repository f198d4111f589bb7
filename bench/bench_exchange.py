"""Exchange benchmark: signed + audited calls against a crypto-only floor, and event delivery.

On SQLite (one process per node) and on PostgreSQL: calls to a node served by one worker and
by BENCH_PG_WORKERS (default 2) workers, beside a floor served by as many workers, and event
delivery with the workers. Writes bench/results/exchange.json. Run with `make bench` (or
`BENCH=exchange make bench`).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil
from sqlalchemy import create_engine, func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, summary_ms, write  # noqa: E402
from chuanyu.exchange import envelope, signing  # noqa: E402
from chuanyu.exchange.builtin import PROBE_STREAM  # noqa: E402
from chuanyu.exchange.models import ProbeEvent  # noqa: E402
from chuanyu.exchange.outbox import publish  # noqa: E402
from tests.support.nodes import LiveFederation, free_port, wait_until  # noqa: E402

CALLS = {1: 400, 8: 2000, 32: 3200}
EVENTS = 20_000
PG_URL = os.environ.get("CHUANYU_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PG_WORKERS = int(os.environ.get("BENCH_PG_WORKERS", "2"))
PG_CALLERS = (1, 8)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_load(call: Callable[[], None], callers: int, total: int) -> dict[str, float]:
    """`total` calls spread over `callers` threads: throughput and latency percentiles."""
    per = total // callers
    latencies: list[float] = []

    def worker() -> list[float]:
        mine = []
        for _ in range(per):
            start = time.perf_counter()
            call()
            mine.append(time.perf_counter() - start)
        return mine

    call()  # warm the connection pool
    started = time.perf_counter()
    with ThreadPoolExecutor(callers) as pool:
        for result in [pool.submit(worker) for _ in range(callers)]:
            latencies.extend(result.result())
    elapsed = time.perf_counter() - started
    return {"callers": callers, "calls": len(latencies),
            "rps": round(len(latencies) / elapsed, 1), **summary_ms(latencies)}


def floor_caller(url: str, fed_dir: Path) -> Callable[[], None]:
    """Client side of the floor: sign, send, verify the signed reply."""
    key = signing.read_private_key(fed_dir / "keys" / "CQ.key")
    peer = signing.read_private_key(fed_dir / "keys" / "SC.key").public_key()
    http = httpx.Client(timeout=10, limits=httpx.Limits(max_connections=64))
    body = b'{"note": "bench"}'

    def call() -> None:
        env = envelope.make("CQ", "SC", "call", "exchange.ping", signing.digest(body))
        r = http.post(f"{url}/exchange/call/exchange.ping", content=body,
                      headers=env.headers(signing.sign(key, env.signing_bytes())))
        reply, sig = envelope.from_headers(r.headers)
        assert r.status_code == 200 and signing.digest(r.content) == reply.digest
        assert signing.verify(peer, sig, reply.signing_bytes())

    return call


def bench_floor(fed_dir: Path, workers: int = 1,
                callers_run: tuple[int, ...] = tuple(CALLS)) -> dict[str, dict[str, float]]:
    port = free_port()
    env = {**os.environ, "FLOOR_FEDERATION_DIR": str(fed_dir)}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "bench.floor_app:app", "--port",
                             str(port), "--log-level", "warning", "--workers", str(workers)],
                            env=env, cwd=Path(__file__).resolve().parent.parent)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _up(url), timeout=60, message="floor server")
        call = floor_caller(url, fed_dir)
        results = {}
        for callers in callers_run:
            total = CALLS[callers]
            log(f"floor ({workers} worker(s)): {callers} callers × {total // callers} calls …")
            results[str(callers)] = run_load(call, callers, total)
        return results
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _up(url: str) -> bool:
    try:
        httpx.post(f"{url}/exchange/call/x", content=b"", timeout=1)
        return True
    except httpx.HTTPError:
        return False


def bench_calls(fed: LiveFederation,
                callers_run: tuple[int, ...] = tuple(CALLS)) -> dict[str, dict[str, float]]:
    client = fed.cq.node.exchange

    def call() -> None:
        client.call("SC", "exchange.ping", {"note": "bench"})

    results = {}
    for callers in callers_run:
        total = CALLS[callers]
        log(f"node calls ({fed.sc.workers} worker(s) on SC): {callers} callers × "
            f"{total // callers} calls …")
        results[str(callers)] = run_load(call, callers, total)
    return results


def bench_events(fed: LiveFederation) -> dict[str, float]:
    """Delivery rate of one stream: SC is stopped while CQ fills its outbox, then restarted;
    the rate is events over the time from SC's first to its last durable apply."""
    log(f"events: stopping SC, publishing {EVENTS} on CQ …")
    fed.sc.stop()
    started = time.perf_counter()
    for chunk in range(EVENTS // 1000):
        with fed.cq.session() as session:
            for i in range(1000):
                publish(
                    session=session,
                    stream=PROBE_STREAM,
                    event_type="probe",
                    payload={"note": f"{chunk}:{i}"},
                )
    published = time.perf_counter() - started
    log("events: restarting SC and waiting for every event to be applied …")
    fed.sc.start()

    def applied() -> bool:
        with fed.sc.session() as session:
            return (session.scalar(select(func.count()).select_from(ProbeEvent)) or 0) >= EVENTS

    wait_until(applied, timeout=600, interval=0.05, message="events applied on SC")
    with fed.sc.session() as session:
        first, last = session.execute(select(func.min(ProbeEvent.applied_at),
                                             func.max(ProbeEvent.applied_at))).one()
    span = (last - first).total_seconds()
    return {"events": EVENTS, "publish_s": round(published, 3),
            "publish_per_s": round(EVENTS / published, 1),
            "first_to_last_apply_s": round(span, 3),
            "events_per_s": round(EVENTS / span, 1) if span > 0 else float("inf")}


def _cpu_seconds(groups: dict[str, list[psutil.Process]]) -> dict[str, float]:
    """CPU time (user + system) used so far by each group of processes."""
    used = {}
    for name, procs in groups.items():
        total = 0.0
        for proc in procs:
            with contextlib.suppress(psutil.Error):
                times = proc.cpu_times()
                total += times.user + times.system
        used[name] = total
    return used


def cpu_per_call(fed: LiveFederation, callers: int) -> dict[str, object]:
    """Calls at `callers` callers, with the CPU time each process group spent per call: the
    benchmark process (CQ's calling side: signing, its audit entry, the reply check), CQ's
    server, SC's workers (verification, replay guard, audit, reply) and PostgreSQL (all of
    the machine's backends, so other load on the machine is counted too)."""

    def groups() -> dict[str, list[psutil.Process]]:
        def tree(pid: int) -> list[psutil.Process]:
            root = psutil.Process(pid)
            return [root, *root.children(recursive=True)]

        assert fed.cq.proc is not None and fed.sc.proc is not None
        return {"caller (benchmark process)": [psutil.Process()],
                "CQ server": tree(fed.cq.proc.pid), "SC server": tree(fed.sc.proc.pid),
                "postgresql": [p for p in psutil.process_iter(["name"])
                               if p.info["name"] in ("postgres", "postgresql")]}

    before_groups = groups()
    before = _cpu_seconds(before_groups)
    result = bench_calls(fed, (callers,))[str(callers)]
    after = _cpu_seconds(groups())  # backends opened during the run count from zero
    calls = result["calls"]
    spent = {name: round((after[name] - before.get(name, 0.0)) * 1000 / calls, 3)
             for name in after}
    return {**result, "cpu_ms_per_call": spent,
            "cpu_ms_per_call_total": round(sum(spent.values()), 3),
            "cores": psutil.cpu_count(),
            "wall_ms_per_call_at_this_rate": round(1000 / result["rps"], 3)}


def bench_postgres(root: Path) -> dict[str, object]:
    """Both nodes on PostgreSQL: calls to SC served by one worker, then by PG_WORKERS workers
    (both nodes restarted), and event delivery with the workers."""
    fed = LiveFederation(root, extra_env={"CHUANYU_RELAY_POLL_S": "0.05",
                                          "CHUANYU_DATABASE_URL": PG_URL})
    tag = uuid.uuid4().hex[:8]
    schemas = [f"bench_{tag}_{node.member.lower()}" for node in (fed.cq, fed.sc)]
    for node, schema in zip((fed.cq, fed.sc), schemas, strict=True):
        node.env["CHUANYU_DATABASE_SCHEMA"] = schema
    try:
        log("postgresql: starting CQ and SC with one worker each …")
        fed.start()
        single = bench_calls(fed, PG_CALLERS)
        log(f"postgresql: restarting CQ and SC with {PG_WORKERS} workers each …")
        fed.stop()
        for node in (fed.cq, fed.sc):
            node.workers = PG_WORKERS
        fed.start()
        multi = bench_calls(fed, PG_CALLERS)
        log("postgresql: CPU time per call at 8 callers …")
        breakdown = cpu_per_call(fed, 8)
        events = bench_events(fed)
    finally:
        fed.stop()
        engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for schema in schemas:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()
    return {"workers": PG_WORKERS, "single_worker_calls": single, "calls": multi,
            "cpu_per_call": breakdown,
            "events": events}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="chuanyu-bench-") as tmp:
        fed = LiveFederation(Path(tmp) / "sqlite", extra_env={"CHUANYU_RELAY_POLL_S": "0.05"})
        fed.start()
        try:
            fed_dir = Path(fed.cq.env["CHUANYU_FEDERATION_DIR"])
            floor = bench_floor(fed_dir)
            pg_floor = bench_floor(fed_dir, PG_WORKERS, PG_CALLERS)
            calls = bench_calls(fed)
            events = bench_events(fed)
        finally:
            fed.stop()
        pg = bench_postgres(Path(tmp) / "postgresql")
    pg_calls = pg["calls"]["8"]  # type: ignore[index]
    pg_single = pg["single_worker_calls"]["8"]  # type: ignore[index]
    result = {
        "machine": machine(),
        "backend": "sqlite",
        "floor_rps": floor["8"]["rps"],
        "floor_p99_ms": floor["8"]["p99_ms"],
        "call_rps": calls["8"]["rps"],
        "call_p99_ms": calls["8"]["p99_ms"],
        "events_per_s": events["events_per_s"],
        "call_rps_share_of_floor": round(calls["8"]["rps"] / floor["8"]["rps"], 3),
        "call_p99_over_floor_ms": round(calls["8"]["p99_ms"] - floor["8"]["p99_ms"], 3),
        "pg_workers": PG_WORKERS,
        "pg_floor_rps": pg_floor["8"]["rps"],
        "pg_floor_p99_ms": pg_floor["8"]["p99_ms"],
        "pg_single_call_rps": pg_single["rps"],
        "pg_single_call_p99_ms": pg_single["p99_ms"],
        "pg_call_rps": pg_calls["rps"],
        "pg_call_p99_ms": pg_calls["p99_ms"],
        "pg_events_per_s": pg["events"]["events_per_s"],  # type: ignore[index]
        "pg_call_rps_over_single": round(pg_calls["rps"] / pg_single["rps"], 3),
        "pg_call_rps_over_sqlite": round(pg_calls["rps"] / calls["8"]["rps"], 3),
        "pg_call_p99_over_floor_ms": round(pg_calls["p99_ms"] - pg_floor["8"]["p99_ms"], 3),
        "floor": floor,
        "calls": calls,
        "events": events,
        "pg_floor": pg_floor,
        "postgresql": pg,
        "targets": {"call_rps_share_of_floor": ">= 0.25", "call_p99_over_floor_ms": "< 10",
                    "events_per_s": ">= 10000", "pg_call_rps_over_single": ">= 1.5",
                    "pg_call_rps_over_sqlite": ">= 1", "pg_call_p99_over_floor_ms": "<= 40",
                    "pg_events_per_s": ">= 10000"},
    }
    path = write("exchange", result)
    log(f"wrote {path}")
    print(f"floor_rps={result['floor_rps']} call_rps={result['call_rps']} "
          f"call_p99_ms={result['call_p99_ms']} events_per_s={result['events_per_s']} "
          f"pg_single_call_rps={result['pg_single_call_rps']} pg_call_rps={result['pg_call_rps']} "
          f"pg_call_p99_ms={result['pg_call_p99_ms']} pg_events_per_s={result['pg_events_per_s']}")


if __name__ == "__main__":
    main()
