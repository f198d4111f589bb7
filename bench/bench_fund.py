"""Housing-fund benchmark: certificate round trips between two live nodes, eligibility decisions.

Each centre holds FUND_BENCH_ACCOUNTS depositor accounts (default 1,000,000, with up to 24
months of deposits each) on SQLite. The SC node, as lender, fetches deposit-use certificates
from the CQ node through the signed exchange: each under a consent CQ issued (as when the
depositor consents at home), which the depositing side checks and spends, builds and signs the
certificate, and the lender verifies the reply and
the certificate. Writes bench/results/fund.json.

Environment: FUND_BENCH_ACCOUNTS, FUND_BENCH_CALLS (default 2000), FUND_BENCH_DIR (reuse the
generated databases between runs; default a fresh temporary folder, removed afterwards).
"""

from __future__ import annotations

import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chuanyu import domains  # noqa: E402
from chuanyu.core import clock  # noqa: E402
from chuanyu.core.config import Settings  # noqa: E402
from chuanyu.exchange import federation  # noqa: E402
from chuanyu.exchange.registry import SERVICES, STREAMS  # noqa: E402
from chuanyu.housing_fund import certificate, consent  # noqa: E402
from chuanyu.housing_fund.certificate import CertificateRequest, SignedCertificate  # noqa: E402
from chuanyu.housing_fund.eligibility import (  # noqa: E402
    Applicant,
    DepositFacts,
    LoanRequest,
    decide,
)
from chuanyu.housing_fund.enums import (  # noqa: E402
    AccountStatus,
    ConsentStatus,
    HomeKind,
    PropertyKind,
    RepaymentMethod,
    Sex,
)
from chuanyu.housing_fund.models import Consent  # noqa: E402
from chuanyu.housing_fund.policy import load_policy  # noqa: E402
from chuanyu.housing_fund.service import consents  # noqa: E402
from chuanyu.node import Node, open_node  # noqa: E402
from tests.support.nodes import free_port, wait_until  # noqa: E402

console = Console(stderr=True)
ACCOUNTS = int(os.environ.get("FUND_BENCH_ACCOUNTS", "1000000"))
CALLS = int(os.environ.get("FUND_BENCH_CALLS", "2000"))
THREADS = 4
SERVICE = "housing_fund.certificate"


def _env(root: Path, member: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHUANYU_")}
    env.update(
        {
            "CHUANYU_VAR_DIR": str(root),
            "CHUANYU_FEDERATION_DIR": str(root / "federation"),
            "CHUANYU_MEMBER": member,
            "CHUANYU_RELAY_ENABLED": "false",
        }
    )
    return env


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        try:
            return int(conn.execute("SELECT count(*) FROM housing_fund_account").fetchone()[0])
        except sqlite3.OperationalError:
            return 0


def populate(root: Path) -> dict[str, object]:
    """Generate both centres' populations in parallel; reuse them when already there."""
    record = root / "generate.json"
    procs = {}
    for member in ("CQ", "SC"):
        have = _count(root / f"{member}.db")
        if have >= ACCOUNTS:
            console.print(f"{member}: {have} accounts already present")
            continue
        cmd = [
            sys.executable,
            "-m",
            "chuanyu",
            "fund",
            "generate",
            "--accounts",
            str(ACCOUNTS - have),
            "--member",
            member,
        ]
        procs[member] = subprocess.Popen(cmd, env=_env(root, member), cwd=ROOT)
    if not procs:
        if record.exists():
            return {**json.loads(record.read_text()), "reused_from_earlier_run": True}
        return {"reused_from_earlier_run": True}
    started = time.perf_counter()
    finished: dict[str, float] = {}
    while len(finished) < len(procs):
        for member, proc in procs.items():
            if member not in finished and proc.poll() is not None:
                if proc.returncode != 0:
                    raise SystemExit(f"generating {member} failed")
                finished[member] = round(time.perf_counter() - started, 1)
        time.sleep(0.5)
    result: dict[str, object] = {"seconds": finished, "in_parallel": True}
    record.write_text(json.dumps(result))
    return result


def sample_ids(db: Path, n: int) -> list[str]:
    """Resident IDs of depositors with open accounts, spread over the whole table."""
    with sqlite3.connect(db) as conn:
        top = conn.execute("SELECT max(id) FROM housing_fund_account").fetchone()[0]
        rng = random.Random(42)
        picks = [rng.randrange(1, top + 1) for _ in range(n * 2)]
        out = []
        for account_id in picks:
            row = conn.execute(
                "SELECT resident_id, status FROM housing_fund_account WHERE id = ?", (account_id,)
            ).fetchone()
            if row and row[1] != AccountStatus.CLOSED:
                out.append(row[0])
    return out[:n]


def start_node(root: Path, member: str, port: int) -> subprocess.Popen[bytes]:
    """A node process serving on `port`, once healthy."""
    import httpx

    log = (root / f"{member}.log").open("ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "chuanyu", "node", "serve", "--member", member, "--port", str(port)],
        env=_env(root, member),
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def healthy() -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until(healthy, timeout=300, message=f"{member} node")
    return proc


def issue_consents(root: Path, ids: list[str]) -> dict[str, list[str]]:
    """One consent per depositor, issued and signed by CQ as when they consent at home (set up
    before the timed calls; the decision events to SC are left out)."""
    home = open_node(
        Settings(member="CQ", var_dir=root, federation_dir=root / "federation",
                 relay_enabled=False),
        migrate=True,
    )
    given: dict[str, list[str]] = {}
    try:
        with home.sessions() as session:
            now = clock.now()
            for rid in ids:
                row = Consent(
                    consent_id=uuid.uuid4().hex, request_id=uuid.uuid4().hex, resident_id=rid,
                    requesting_member="SC", service=consent.SERVICE, purpose=consent.PURPOSE,
                    application_no="BENCH", status=ConsentStatus.GRANTED, issued_at=now,
                    expires_at=now + consent.CONSENT_VALIDITY, signature="")
                claims = consents.claims_of(row).model_copy(update={"depositing_member": "CQ"})
                row.signature = home.sign(consent.claims_bytes(claims))
                session.add(row)
                given.setdefault(rid, []).append(row.consent_id)  # an ID may recur
            session.commit()
    finally:
        home.close()
    return given


CONSENTS: dict[str, list[str]] = {}


def round_trip(lender: Node, resident_id: str) -> float:
    """One certificate fetch under a consent CQ issued, verified by the lender; seconds taken."""
    started = time.perf_counter()
    request = CertificateRequest(depositor_id=resident_id, consent_id=CONSENTS[resident_id].pop())
    reply = lender.exchange.call("CQ", SERVICE, request)
    certificate.verify(
        SignedCertificate.model_validate(reply),
        public_key=lender.descriptor.public_key("CQ"),
        issuer="CQ",
        addressed_to="SC",
    )
    return time.perf_counter() - started


def measure(lender: Node, ids: list[str], threads: int) -> dict[str, float]:
    """Run the round trips with `threads` concurrent callers."""
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task(f"round trips ×{threads}", total=len(ids))

        def one(rid: str) -> float:
            took = round_trip(lender, rid)
            bar.advance(task)
            return took

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=threads) as pool:
            latencies = sorted(pool.map(one, ids))
        wall = time.perf_counter() - started
    return {
        "calls": len(ids),
        "concurrency": threads,
        "per_second": round(len(ids) / wall, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
        "max_ms": round(latencies[-1] * 1000, 2),
    }


def eligibility(n: int = 50000) -> dict[str, float]:
    """Pure decisions per second over varied requests and certificates, both centres' rules."""
    rng = random.Random(7)
    cases = []
    for _ in range(1000):
        facts = DepositFacts(
            account_status=AccountStatus.NORMAL,
            balance=Decimal(rng.randrange(1000, 200000)),
            deposit_base=Decimal(8000),
            monthly_amount=Decimal(1920),
            first_month=201801,
            latest_month=202006,
            continuous_months=rng.randrange(1, 60),
            outstanding_loans=rng.choice((0, 0, 0, 1)),
            settled_loans=rng.choice((0, 0, 1, 2)),
            valid_until=date(2020, 9, 1),
        )
        request = LoanRequest(
            amount=Decimal(rng.randrange(50, 800) * 1000),
            term_years=rng.randrange(5, 31),
            method=rng.choice(list(RepaymentMethod)),
            home=rng.choice(list(HomeKind)),
            property_kind=rng.choice(list(PropertyKind)),
            property_price=Decimal(rng.randrange(300, 3000) * 1000),
            monthly_income=Decimal(rng.randrange(3000, 40000)),
            building_age_years=rng.randrange(0, 30),
        )
        applicant = Applicant(date(rng.randrange(1965, 2000), 6, 1), rng.choice(list(Sex)))
        cases.append((applicant, request, facts))
    policies = [load_policy("CQ"), load_policy("SC")]
    on = date(2020, 7, 8)
    approved = 0
    started = time.perf_counter()
    for i in range(n):
        applicant, request, facts = cases[i % len(cases)]
        approved += decide(policies[i % 2], applicant, request, facts, on).approved
    wall = time.perf_counter() - started
    return {
        "decisions": n,
        "per_second": round(n / wall, 1),
        "approved_share": round(approved / n, 3),
    }


def main() -> None:
    """Set up, measure, write bench/results/fund.json."""
    keep = os.environ.get("FUND_BENCH_DIR")
    root = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="fund-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    ports = {"CQ": free_port(), "SC": free_port()}
    domains.load_handlers()
    federation.init(
        root / "federation",
        urls={m: f"http://127.0.0.1:{p}" for m, p in ports.items()},
        services={m: sorted(SERVICES) for m in ports},
        streams={m: sorted(STREAMS) for m in ports},
    )
    procs: list[subprocess.Popen[bytes]] = []
    load_at_start = round(os.getloadavg()[0], 2)
    try:
        console.print(f"populating both centres with {ACCOUNTS:,} accounts in {root}")
        generate_s = populate(root)
        ids = sample_ids(root / "CQ.db", CALLS * 2)
        CONSENTS.update(issue_consents(root, ids))
        procs = [start_node(root, m, ports[m]) for m in ("CQ", "SC")]
        lender = open_node(
            Settings(
                member="SC", var_dir=root, federation_dir=root / "federation", relay_enabled=False
            ),
            migrate=False,
        )
        try:
            for rid in ids[:50]:  # warm-up: connections, caches
                round_trip(lender, rid)
            sequential = measure(lender, ids[50:CALLS], 1)
            concurrent = measure(lender, ids[CALLS : 2 * CALLS], THREADS)
        finally:
            lender.close()
        decisions = eligibility()
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=30)
    sizes = {m: round((root / f"{m}.db").stat().st_size / 1e6, 1) for m in ("CQ", "SC")}
    result = {
        "benchmark": "fund",
        "what": "housing_fund.certificate round trips SC→CQ over the signed exchange "
        "(consent issued by CQ checked and spent, signed certificate, lender verification); "
        "pure eligibility decisions",
        "accounts_per_centre": {m: _count(root / f"{m}.db") for m in ("CQ", "SC")},
        "max_deposit_months": 24,
        "database": "SQLite (WAL), one file per node",
        "database_mb": sizes,
        "generate_seconds": generate_s,
        "round_trips_sequential": sequential,
        f"round_trips_concurrent_{THREADS}": concurrent,
        "eligibility": decisions,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            # The machine may be shared; the load says how much else was running.
            "load_average_1m_at_start": load_at_start,
            "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        },
        "measured_at": clock.now().isoformat(timespec="seconds"),
    }
    out = ROOT / "bench" / "results" / "fund.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if not keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
