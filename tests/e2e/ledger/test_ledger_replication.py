"""An entry recorded on CQ appears on SC through the exchange, and stays read-only there."""

from __future__ import annotations

import httpx

from chuanyu.ledger.service import load_seed
from tests.support.nodes import LiveFederation


def test_entry_recorded_on_cq_appears_on_sc(live_nodes: LiveFederation) -> None:
    entry = {
        "kind": "service_opened",
        "title": "荣昌—隆昌跨省公交开通",
        "date": "2020-06-15",
        "parties": ["500153", "511083"],
        "detail": {"service_kind": "bus_line"},
        "metrics": {"length_km": 35},
    }
    cq, sc = live_nodes.cq, live_nodes.sc
    created = httpx.post(
        f"{cq.url}/api/ledger/entries", json=entry, headers=cq.headers("joint_office"), timeout=10
    )
    assert created.status_code == 201, created.text
    entry_id = created.json()["id"]
    sc_headers = sc.headers("joint_office")

    def arrived() -> bool:
        r = httpx.get(f"{sc.url}/api/ledger/entries/{entry_id}", headers=sc_headers, timeout=5)
        return r.status_code == 200

    live_nodes.wait_until(arrived, timeout=30)
    replica = httpx.get(f"{sc.url}/api/ledger/entries/{entry_id}", headers=sc_headers).json()
    assert replica["owner"] == "CQ" and replica["title"] == entry["title"]
    refused = httpx.delete(f"{sc.url}/api/ledger/entries/{entry_id}", headers=sc_headers)
    assert refused.status_code == 403

    edited = {**entry, "title": "荣昌—隆昌跨省公交开通（线路调整）"}
    httpx.put(
        f"{cq.url}/api/ledger/entries/{entry_id}",
        json=edited,
        headers=cq.headers("joint_office"),
        timeout=10,
    ).raise_for_status()

    def updated() -> bool:
        r = httpx.get(f"{sc.url}/api/ledger/entries/{entry_id}", headers=sc_headers, timeout=5)
        return bool(r.json()["version"] == 2)

    live_nodes.wait_until(updated, timeout=30)
    report = httpx.get(
        f"{sc.url}/api/ledger/firsts",
        params={"as_of": "2020-07-08"},
        headers=sc_headers,
        timeout=10,
    ).json()
    bus = next(f for f in report["firsts"] if f["category"] == "bus_line")
    assert bus["entry_id"] == entry_id


def test_seed_recorded_on_cq_reaches_sc_and_reports_there(live_nodes: LiveFederation) -> None:
    cq, sc = live_nodes.cq, live_nodes.sc
    with cq.session() as session:
        result = load_seed(session=session, member="CQ")
    assert (result.entries, result.figures) == (21, 9)
    sc_headers = sc.headers("citizen")

    def seed_arrived() -> bool:
        r = httpx.get(
            f"{sc.url}/api/ledger/entries", params={"tag": "明月山"}, headers=sc_headers, timeout=5
        )
        return bool(r.json()["total"] == 3)

    live_nodes.wait_until(seed_arrived, timeout=30)
    data = httpx.get(
        f"{sc.url}/api/ledger/firsts",
        params={"as_of": "2020-07-08"},
        headers=sc_headers,
        timeout=10,
    ).json()
    staff = next(f for f in data["firsts"] if f["category"] == "staff_exchange")
    assert staff["entry_id"] == "seed-staff-cq-to-sc"
    totals = {t["metric"]: t["reported_value"] for t in data["totals"]}
    assert totals["department_agreements"] == 85
