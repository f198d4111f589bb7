"""Fault soak: two real nodes under a mixed workload, killed with SIGKILL and partitioned.

Two nodes (SQLite, relay and tasks on) run from a fresh folder; each member's descriptor URL
points at a forwarder in front of its node, so the link between them can be cut while clients
keep calling the node ports. For FAULTS_BENCH_SECONDS (default 600) the workload publishes job
postings, window cases (with the authority's decisions), ledger entries and probe events; every
20–60 s one node is killed with SIGKILL and restarted on the same folder, and once the link is cut
for 60 s. Then the workload stops, both outboxes drain, and the run checks that every published
event was applied exactly once, that both search indexes equal their databases, that both audit
logs verify and that no window case is stuck. Figures go to bench/results/faults.json; the exit
status is 1 when any check fails. Run with `make bench BENCH=faults`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import faults_checks as checks  # noqa: E402
from bench.common import machine, write  # noqa: E402
from bench.faultproxy import Forwarder  # noqa: E402
from bench.faults_chaos import Chaos  # noqa: E402
from bench.faults_workload import Workload  # noqa: E402
from tests.support.nodes import LiveNode, free_port, wait_until  # noqa: E402

DURATION_S = float(os.environ.get("FAULTS_BENCH_SECONDS", "600"))
PARTITION_S = min(60.0, DURATION_S / 4)
RELAY_MAX_BACKOFF_S = "5"
ROLES = "hr_officer,window_clerk,joint_office,admin"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cli(env: dict[str, str], *args: str) -> str:
    """Run `chuanyu <args>` and return its output; fail loudly."""
    result = subprocess.run([sys.executable, "-m", "chuanyu", *args], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"chuanyu {' '.join(args)} failed: {result.stderr[-2000:]}")
    return result.stdout


def setup(root: Path) -> tuple[dict[str, LiveNode], list[Forwarder], dict[str, str],
                               dict[str, str]]:  # fmt: skip
    """Federation through forwarders, two started nodes, one token per node, catalogues."""
    ports = {m: free_port() for m in checks.MEMBERS}
    proxies = {m: free_port() for m in checks.MEMBERS}
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHUANYU_")}
    env.update({"CHUANYU_VAR_DIR": str(root), "CHUANYU_FEDERATION_DIR": str(root / "federation"),
                "CHUANYU_RELAY_ENABLED": "true", "CHUANYU_TASKS_ENABLED": "true",
                "CHUANYU_RELAY_POLL_S": "0.2", "CHUANYU_RELAY_MAX_BACKOFF_S": RELAY_MAX_BACKOFF_S})
    cli(env, "federation", "init", "--dir", str(root / "federation"),
        "--cq-url", f"http://127.0.0.1:{proxies['CQ']}",
        "--sc-url", f"http://127.0.0.1:{proxies['SC']}")
    forwarders = [Forwarder(proxies[m], ports[m]) for m in checks.MEMBERS]
    for forwarder in forwarders:
        forwarder.open()
    nodes = {m: LiveNode(m, root, ports[m], {**env, "CHUANYU_MEMBER": m}) for m in checks.MEMBERS}
    tokens = {}
    for member, node in nodes.items():
        node.start()
        cli(env, "users", "create", "faults-bench", "--roles", ROLES, "--member", member,
            "--password", "faults-bench-password-1")
        tokens[member] = cli(env, "users", "token", "faults-bench", "--member", member).split()[-1]
    for member, node in nodes.items():
        r = httpx.post(f"{node.url}/api/window/catalogue", timeout=60,
                       headers={"Authorization": f"Bearer {tokens[member]}"})
        r.raise_for_status()
    for member, node in nodes.items():
        peer = checks.peer_of(member)
        wait_until(lambda u=node.url, p=peer: httpx.get(f"{u}/api/window/matters",  # type: ignore[misc]
                                                        params={"member": p}).json(),
                   timeout=60, message=f"{peer} catalogue on {member}")
    return nodes, forwarders, env, tokens


def progress_line(started: float, chaos: Chaos, dbs: dict[str, Path]) -> str:
    rows = checks.stream_counts(dbs)
    published = sum(r["published"] for r in rows)
    delivered = sum(r["applied"] for r in rows)
    return (f"{time.monotonic() - started:6.0f} s  kills {len(chaos.kills):2d}  "
            f"partitions {len(chaos.partitions)}  published {published:6d}  "
            f"delivered {delivered:6d}")


def drain(dbs: dict[str, Path], began: float) -> dict[str, float]:
    """Per producer: seconds from `began` until its peer applied and acknowledged everything."""
    done: dict[str, float] = {}

    def drained() -> bool:
        rows = checks.stream_counts(dbs)
        waiting = {r["producer"] for r in rows
                   if r["acked"] < r["published"] or r["applied"] < r["published"]}
        for member in checks.MEMBERS:
            if member in waiting:
                done.pop(member, None)
            else:
                done.setdefault(member, round(time.monotonic() - began, 2))
        return not waiting

    wait_until(drained, timeout=900, interval=0.2, message="both outboxes drained")
    return done


def index_check(nodes: dict[str, LiveNode], dbs: dict[str, Path],
                tokens: dict[str, str]) -> dict[str, Any]:
    """Each node's index against its open postings (ids, and the status API's count)."""
    out: dict[str, Any] = {}
    for member, node in nodes.items():
        index_dir = node.root / f"{member.lower()}-jobs-index"

        def differ(db: Path = dbs[member], where: Path = index_dir) -> tuple[set[str], set[str]]:
            db_ids, ix_ids = checks.open_posting_ids(db), checks.index_ids(where)
            return db_ids - ix_ids, ix_ids - db_ids

        try:
            wait_until(lambda d=differ: d() == (set(), set()), timeout=120, interval=1,  # type: ignore[misc]
                       message=f"{member} index equal to its database")
        except AssertionError as exc:
            log(f"  {exc}")
        missing, extra = differ()
        status = httpx.get(f"{node.url}/api/jobs/index", timeout=30,
                           headers={"Authorization": f"Bearer {tokens[member]}"}).json()
        out[member] = {"open_in_db": len(checks.open_posting_ids(dbs[member])),
                       "searchable": status.get("searchable"), "queued": status.get("queued"),
                       "state": status.get("state"), "missing_from_index": len(missing),
                       "extra_in_index": len(extra), "missing_examples": sorted(missing)[:5]}
    return out


def main() -> int:
    root = Path(tempfile.mkdtemp(prefix="chuanyu-faults-"))
    log(f"fault soak for {DURATION_S:.0f} s in {root}")
    nodes, forwarders, env, tokens = setup(root)
    dbs = {m: n.settings.sqlite_path() for m, n in nodes.items()}
    workload = Workload({m: n.url for m, n in nodes.items()}, tokens, env)
    chaos = Chaos(nodes, forwarders, dbs, partition_at_s=DURATION_S * 0.4,
                  partition_s=PARTITION_S)
    try:
        started = time.monotonic()
        workload.start()
        chaos.start()
        while (elapsed := time.monotonic() - started) < DURATION_S and chaos.error is None:
            time.sleep(min(10.0, DURATION_S - elapsed))
            log(progress_line(started, chaos, dbs))
        stopped = time.monotonic()  # drains count from here, a restart in progress included
        workload.stop.set()
        chaos.finish()
        if chaos.error is not None:
            raise chaos.error
        workload.finish()
        duration = round(stopped - started, 1)
        log("workload and faults stopped; waiting for both nodes to drain …")
        drain_s = drain(dbs, stopped)
        chaos.join_watchers()
        log(f"drained in {drain_s} s; checking …")
        result = verify(nodes, dbs, tokens, env)
    finally:
        for node in nodes.values():
            node.stop()
        for forwarder in forwarders:
            forwarder.close()
    result = {"duration_s": duration, "kills": len(chaos.kills),
              "partitions": len(chaos.partitions), **result,
              "max_drain_s": max(drain_s.values()), "drain_s": drain_s,
              "catch_up_after_faults": chaos.catch_ups,
              "backend": "sqlite", "relay_max_backoff_s": float(RELAY_MAX_BACKOFF_S),
              "kill_log": chaos.kills, "partition_log": chaos.partitions,
              "client_calls": dict(workload.calls), "client_failures": dict(workload.failures),
              "var_dir": str(root), "machine": machine()}
    path = write("faults", result)
    failed = (result["lost"] or result["doubled"] or result["index_mismatches"]
              or result["stuck_cases"] or not result["audit_verified"])
    log(f"wrote {path}")
    print(json.dumps({k: result[k] for k in ("duration_s", "kills", "partitions",
                                             "events_published", "events_delivered", "lost",
                                             "doubled", "index_mismatches", "stuck_cases",
                                             "audit_verified", "max_drain_s")}))
    return 1 if failed else 0


def verify(nodes: dict[str, LiveNode], dbs: dict[str, Path], tokens: dict[str, str],
           env: dict[str, str]) -> dict[str, Any]:
    """Exactly-once delivery, indexes, audit logs and window cases after the drain."""
    rows = checks.stream_counts(dbs)
    per_kind: dict[str, dict[str, int]] = {}
    for r in rows:
        kind = per_kind.setdefault(r["kind"], {"published": 0, "delivered": 0, "lost": 0,
                                               "doubled": 0, "refused": 0, "held": 0})
        kind["published"] += r["published"]
        kind["delivered"] += r["applied"]
        kind["lost"] += max(0, r["published"] - r["applied"]) + r["refused"]
        kind["refused"] += r["refused"]
        kind["held"] += r["held"]
    probe = checks.probe_check(dbs)
    rows_checked = {"probe": probe,
                    "postings": checks.replica_check(dbs, "jobs_posting", "origin"),
                    "ledger": checks.replica_check(dbs, "ledger_entry", "owner")}
    for name, found in rows_checked.items():
        target = per_kind.setdefault(name, {"published": 0, "delivered": 0, "lost": 0,
                                            "doubled": 0, "refused": 0, "held": 0})
        target["lost"] += found["lost"] + found.get("stale", 0)
        target["doubled"] += found["doubled"]
    window = checks.window_check(dbs)
    per_kind.setdefault("window", {"published": 0, "delivered": 0, "lost": 0, "doubled": 0,
                                   "refused": 0, "held": 0})["doubled"] += window["doubled_events"]
    index = index_check(nodes, dbs, tokens)
    audit = {}
    for member, node in nodes.items():
        done = node.cli("audit", "verify", check=False)
        audit[member] = {"exit": done.returncode, "output": done.stdout.strip()[-300:]}
    status = {m: json.loads(cli(env, "exchange", "status", "--member", m, "--json"))["backlog"]
              for m in nodes}
    return {
        "events_published": sum(k["published"] for k in per_kind.values()),
        "events_delivered": sum(k["delivered"] for k in per_kind.values()),
        "lost": sum(k["lost"] for k in per_kind.values()),
        "doubled": sum(k["doubled"] for k in per_kind.values()),
        "index_mismatches": sum(i["missing_from_index"] + i["extra_in_index"]
                                for i in index.values()),
        "stuck_cases": window["stuck"],
        "audit_verified": all(a["exit"] == 0 for a in audit.values()),
        "per_kind": per_kind, "streams": rows, "row_checks": rows_checked, "window": window,
        "index": index, "audit": audit, "status_backlog_after_drain": status,
    }


if __name__ == "__main__":
    sys.exit(main())
