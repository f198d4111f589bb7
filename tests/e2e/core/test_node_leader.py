"""Several processes of one node (CQ) on PostgreSQL, sharing its database and index folder:
one leads the relay and the indexer; killed, it hands them to a standby within seconds, and
nothing is lost or delivered twice. `node serve --workers 2` elects one of its workers;
`node work` leads beside web workers that only serve."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import httpx
import psutil
import pytest
from sqlalchemy import create_engine, func, select, text

from chuanyu import duties
from chuanyu.core.leader import lock_key
from chuanyu.exchange.builtin import PROBE_STREAM
from chuanyu.exchange.models import ProbeEvent
from chuanyu.exchange.outbox import publish
from chuanyu.jobs.models import Posting
from tests.conftest import PG_SKIP_REASON, PG_URL
from tests.support.nodes import LiveFederation, LiveNode, free_port, wait_until

pytestmark = pytest.mark.postgres

BODY = {
    "employer_uscc": "91500112MA5U7AJ18W", "employer_name": "重庆测试机械有限公司",
    "title": "氩弧焊工", "occupation_code": "6", "industry_code": "C", "division_code": "500103",
    "salary_min": "6000", "salary_max": "9000", "description": "负责焊接作业",
    "contact_name": "王先生", "contact_phone": "13800000000",
}  # fmt: skip


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveFederation, LiveNode]]:
    """CQ served by two processes (the federation's CQ first, so it leads) and SC."""
    if PG_SKIP_REASON:
        pytest.skip(PG_SKIP_REASON)
    tag = uuid.uuid4().hex[:8]
    fed = LiveFederation(tmp_path_factory.mktemp("leader"),
                         extra_env={"CHUANYU_DATABASE_URL": PG_URL})
    schemas = {node.member: f"lead_{tag}_{node.member.lower()}" for node in (fed.cq, fed.sc)}
    for node in (fed.cq, fed.sc):
        node.env["CHUANYU_DATABASE_SCHEMA"] = schemas[node.member]
    standby = LiveNode("CQ", fed.root, free_port(), dict(fed.cq.env))
    standby.log = fed.root / "CQ-standby.log"
    try:
        fed.cq.start()
        standby.start()
        fed.sc.start()
        yield fed, standby
    finally:
        standby.stop()
        fed.stop()
        engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for schema in schemas.values():
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def leader_pid(node: LiveNode) -> int | None:
    """The OS process holding the node's leader lock, from PostgreSQL's own tables."""
    key = lock_key(duties.lock_name(node.node))
    with node.node.engine.connect() as conn:
        names = conn.execute(text(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
            "AND ((l.classid::bigint << 32) | l.objid::bigint) = :key"), {"key": key}
        ).scalars().all()
    assert len(names) <= 1, f"the lock has several holders: {names}"
    if not names:
        return None
    match = re.search(r"pid=(\d+)", names[0])
    assert match, names[0]
    return int(match.group(1))


def index_state(node: LiveNode, fed: LiveFederation) -> dict[str, object]:
    # Accounts live in the node's database: one LiveNode hands out the tokens of all.
    r = httpx.get(f"{node.url}/api/jobs/index", headers=fed.cq.headers("admin"), timeout=30)
    assert r.status_code in (200, 409), r.text
    return dict(r.json())


def post_posting(node: LiveNode, fed: LiveFederation, title: str) -> str:
    r = httpx.post(f"{node.url}/api/jobs/postings", json={**BODY, "title": title},
                   headers=fed.cq.headers("hr_officer"), timeout=30)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def searchable(node: LiveNode, title: str) -> int:
    r = httpx.get(f"{node.url}/api/jobs/search", params={"q": title, "facets": False},
                  timeout=30)
    assert r.status_code == 200, r.text
    return int(r.json()["total"])


def replicated(fed: LiveFederation, title: str) -> int:
    with fed.sc.session() as session:
        return session.scalar(select(func.count()).select_from(Posting).where(
            Posting.origin == "CQ", Posting.title == title)) or 0


def publish_probes(node: LiveNode, count: int) -> None:
    with node.session() as session:
        for i in range(count):
            publish(
                session=session, stream=PROBE_STREAM, event_type="probe", payload={"note": str(i)}
            )


def probe_seqs(fed: LiveFederation) -> list[int]:
    with fed.sc.session() as session:
        return list(session.scalars(select(ProbeEvent.seq).order_by(ProbeEvent.id)))


def test_one_process_of_the_node_leads_the_relay_and_the_indexer(
        pair: tuple[LiveFederation, LiveNode]) -> None:
    fed, standby = pair
    leader = fed.cq
    assert leader.proc is not None and standby.proc is not None
    assert leader_pid(leader) == leader.proc.pid
    assert index_state(leader, fed)["state"] == "ok"
    assert index_state(standby, fed)["state"] == "idle"  # never the index writer while standing by

    ids = [post_posting(standby, fed, "模具钳工") for _ in range(5)]
    wait_until(lambda: replicated(fed, "模具钳工") == 5, timeout=30,
               message="5 postings replicated to SC")
    for node in (leader, standby):  # the standby searches the leader's index
        wait_until(lambda n=node: searchable(n, "模具钳工") == 5, timeout=30,
                   message=f"the postings searchable on {node.url}")
    assert len(set(ids)) == 5
    assert leader_pid(leader) == leader.proc.pid


def test_killing_the_leader_hands_its_work_to_the_standby(
        pair: tuple[LiveFederation, LiveNode]) -> None:
    fed, standby = pair
    leader = fed.cq
    assert standby.proc is not None
    before = len(probe_seqs(fed))
    publish_probes(standby, 1500)
    ids = [post_posting(standby, fed, "数控车工") for _ in range(5)]
    leader.kill()  # SIGKILL, with deliveries and index work likely under way
    killed_at = time.monotonic()
    publish_probes(standby, 1500)
    ids += [post_posting(standby, fed, "数控车工") for _ in range(5)]

    wait_until(lambda: leader_pid(standby) == standby.proc.pid, timeout=15,  # type: ignore[union-attr]
               message="the standby to take the leader lock")
    took_over_s = time.monotonic() - killed_at
    wait_until(lambda: len(probe_seqs(fed)) >= before + 3000, timeout=120,
               message="every probe event applied on SC")
    assert probe_seqs(fed) == list(range(1, before + 3001)), "an event lost or applied twice"
    wait_until(lambda: replicated(fed, "数控车工") == 10, timeout=60,
               message="10 postings replicated to SC")
    wait_until(lambda: searchable(standby, "数控车工") == 10, timeout=60,
               message="the new leader to index every posting")
    state = index_state(standby, fed)
    assert state["state"] == "ok" and state["queued"] == 0, state
    assert len(set(ids)) == 10
    assert took_over_s < 15


def test_node_serve_with_two_workers_elects_one_of_them(
        pair: tuple[LiveFederation, LiveNode]) -> None:
    fed, standby = pair
    assert standby.proc is not None
    workers = fed.cq  # killed by the previous test: back as two workers, standing by
    workers.workers = 2
    workers.start()
    assert workers.proc is not None
    assert leader_pid(standby) == standby.proc.pid
    children = {p.pid for p in psutil.Process(workers.proc.pid).children(recursive=True)}
    standby.stop()  # a clean stop hands the lock on at once
    wait_until(lambda: leader_pid(workers) in children, timeout=15,
               message="one of the two workers to take the lead")
    ids = [post_posting(workers, fed, "电工") for _ in range(4)]
    wait_until(lambda: replicated(fed, "电工") == 4, timeout=30,
               message="postings replicated from the workers' leader")
    # Whichever worker answers, it searches the leader's index.
    for _ in range(6):
        wait_until(lambda: searchable(workers, "电工") == 4, timeout=30,
                   message="the postings searchable on every worker")
    assert len(set(ids)) == 4


def test_node_work_leads_beside_web_workers_that_only_serve(
        pair: tuple[LiveFederation, LiveNode]) -> None:
    fed, _ = pair
    web = fed.cq  # two workers leading since the previous test
    log = (fed.root / "CQ-work.log").open("ab")
    work = subprocess.Popen([sys.executable, "-m", "chuanyu", "node", "work", "--member", "CQ"],
                            env=web.env, stdout=log, stderr=subprocess.STDOUT)
    try:
        web.stop()  # the work process, standing by so far, takes over
        wait_until(lambda: leader_pid(web) == work.pid, timeout=30,
                   message="node work to take the lead")
        web.env.update({"CHUANYU_RELAY_ENABLED": "false", "CHUANYU_TASKS_ENABLED": "false"})
        web.start()
        ids = [post_posting(web, fed, "厨师") for _ in range(3)]
        wait_until(lambda: replicated(fed, "厨师") == 3, timeout=30,
                   message="postings delivered by node work's relay")
        wait_until(lambda: searchable(web, "厨师") == 3, timeout=30,
                   message="postings indexed by node work, searched by the web workers")
        assert index_state(web, fed)["state"] == "idle"
        assert leader_pid(web) == work.pid and len(set(ids)) == 3
    finally:
        work.send_signal(signal.SIGTERM)
        work.wait(timeout=30)
        log.close()
    assert work.returncode == 0
