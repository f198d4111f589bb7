"""Many requests at once against one live node: sessions never cross between requests."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.support.nodes import LiveFederation


def test_concurrent_requests_on_sqlite_all_succeed(live_nodes: LiveFederation) -> None:
    headers = live_nodes.cq.headers("joint_office")
    url = f"{live_nodes.cq.url}/api/exchange/status"

    def burst(_: int) -> list[int]:
        with httpx.Client(timeout=60) as http:
            return [http.get(url, headers=headers).status_code for _ in range(25)]

    with ThreadPoolExecutor(8) as pool:
        statuses = [s for batch in pool.map(burst, range(8)) for s in batch]
    assert statuses == [200] * 200, {s: statuses.count(s) for s in set(statuses)}
