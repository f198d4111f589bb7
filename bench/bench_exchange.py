"""Exchange benchmark: signed + audited calls against a crypto-only floor, and event delivery.

Writes bench/results/exchange.json. Run with `make bench` (or `BENCH=exchange make bench`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, summary_ms, write  # noqa: E402
from chuanyu.exchange import envelope, signing  # noqa: E402
from chuanyu.exchange.builtin import PROBE_STREAM  # noqa: E402
from chuanyu.exchange.models import ProbeEvent  # noqa: E402
from chuanyu.exchange.outbox import publish  # noqa: E402
from tests.support.nodes import LiveFederation, free_port, wait_until  # noqa: E402

CALLS = {1: 400, 8: 2000, 32: 3200}
EVENTS = 20_000


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


def bench_floor(fed_dir: Path) -> dict[str, dict[str, float]]:
    port = free_port()
    env = {**os.environ, "FLOOR_FEDERATION_DIR": str(fed_dir)}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "bench.floor_app:app", "--port",
                             str(port), "--log-level", "warning"], env=env,
                            cwd=Path(__file__).resolve().parent.parent)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _up(url), timeout=60, message="floor server")
        call = floor_caller(url, fed_dir)
        results = {}
        for callers, total in CALLS.items():
            log(f"floor: {callers} callers × {total // callers} calls …")
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


def bench_calls(fed: LiveFederation) -> dict[str, dict[str, float]]:
    client = fed.cq.node.exchange

    def call() -> None:
        client.call("SC", "exchange.ping", {"note": "bench"})

    results = {}
    for callers, total in CALLS.items():
        log(f"node calls: {callers} callers × {total // callers} calls …")
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
                publish(session, PROBE_STREAM, "probe", {"note": f"{chunk}:{i}"})
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


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="chuanyu-bench-") as tmp:
        fed = LiveFederation(Path(tmp), extra_env={"CHUANYU_RELAY_POLL_S": "0.05"})
        fed.start()
        try:
            fed_dir = Path(fed.cq.env["CHUANYU_FEDERATION_DIR"])
            floor = bench_floor(fed_dir)
            calls = bench_calls(fed)
            events = bench_events(fed)
        finally:
            fed.stop()
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
        "floor": floor,
        "calls": calls,
        "events": events,
        "targets": {"call_rps_share_of_floor": ">= 0.25", "call_p99_over_floor_ms": "< 10",
                    "events_per_s": ">= 10000"},
    }
    path = write("exchange", result)
    log(f"wrote {path}")
    print(f"floor_rps={result['floor_rps']} call_rps={result['call_rps']} "
          f"call_p99_ms={result['call_p99_ms']} events_per_s={result['events_per_s']}")


if __name__ == "__main__":
    main()
