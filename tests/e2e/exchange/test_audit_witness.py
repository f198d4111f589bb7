"""Two live nodes witness each other's audit heads; a node's cut log is found from its peer's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update

from chuanyu.exchange.models import AuditCheckpoint, AuditEntry, AuditHead, WitnessedHead
from tests.support.nodes import LiveFederation, wait_until


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveFederation]:
    """CQ and SC checkpointing (and so sending their heads) every four audit entries."""
    fed = LiveFederation(tmp_path_factory.mktemp("witness"),
                         extra_env={"CHUANYU_AUDIT_CHECKPOINT_EVERY": "4"})
    try:
        fed.start()
        yield fed
    finally:
        fed.stop()


def _witnessed(live: LiveFederation, witness: str, member: str) -> int:
    with live[witness].session() as session:
        return session.scalar(select(func.max(WitnessedHead.position)).where(
            WitnessedHead.member == member)) or 0


def _ping(live: LiveFederation, times: int) -> None:
    for i in range(times):
        live.cq.node.exchange.call("SC", "exchange.ping", {"note": f"witness {i}"})


def test_each_node_stores_the_heads_its_peer_checkpointed(live: LiveFederation) -> None:
    _ping(live, 6)
    wait_until(lambda: _witnessed(live, "SC", "CQ") >= 4, message="SC to witness a CQ head")
    wait_until(lambda: _witnessed(live, "CQ", "SC") >= 4, message="CQ to witness an SC head")
    result = live.cq.cli("audit", "verify", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "heads witnessed by peers agree" in result.stdout


def test_log_cut_below_a_witnessed_head_is_found_online_and_offline(
        live: LiveFederation, tmp_path: Path) -> None:
    _ping(live, 8)
    wait_until(lambda: _witnessed(live, "SC", "CQ") >= 8, message="SC to witness a CQ head")
    exported = tmp_path / "sc-witnessed-cq.json"
    live.sc.cli("audit", "export-witnessed", "--of", "CQ", "--out", str(exported))
    witnessed = max(h["position"] for h in json.loads(exported.read_text())["heads"])
    assert witnessed >= 8

    live.cq.stop()  # its administrator cuts the log while the node is down
    keep = witnessed - 3
    with live.cq.session() as session:
        session.execute(delete(AuditCheckpoint))
        session.execute(delete(AuditEntry).where(AuditEntry.position > keep))
        last = session.scalar(select(AuditEntry.hash).where(AuditEntry.position == keep))
        session.execute(update(AuditHead).values(position=keep, hash=last,
                                                 checkpointed_position=keep))

    local = live.cq.cli("audit", "verify", "--local-only", check=False)
    assert local.returncode == 0, local.stdout  # nothing left on CQ itself shows the cut
    online = live.cq.cli("audit", "verify", check=False)
    assert online.returncode == 6, online.stdout + online.stderr
    assert "witness" in online.stdout
    offline = live.cq.cli("audit", "verify", "--witness", str(exported),
                          check=False)
    assert offline.returncode == 6, offline.stdout + offline.stderr
