"""Locust users of the load benchmark (`bench/bench_load.py` runs them headless).

Each user spreads a mixed workload over both region nodes: page views, job searches, window
intakes sent to the other region, cross-region licence certificate checks (a signed exchange
call from the node to the issuer) and new job postings (replicated and indexed). Everything
the users need (node URLs, tokens, licence codes) comes from the JSON file named by
LOAD_CONFIG.
"""

from __future__ import annotations

import json
import os
import random
import uuid

from locust import HttpUser, between, task
from requests.adapters import HTTPAdapter
from stdnum.cn import ric
from urllib3.util.retry import Retry

CONFIG = json.loads(open(os.environ["LOAD_CONFIG"], encoding="utf-8").read())  # noqa: SIM115
DIVISIONS = {"CQ": "500103", "SC": "510104"}
PEER = {"CQ": "SC", "SC": "CQ"}
TITLES = ("氩弧焊工", "数控车工", "仓库管理员", "会计", "护理员", "软件测试工程师", "电工", "厨师")
QUERIES = ("焊工", "会计", "仓库", "护理", "软件测试", "电工 重庆", "厨师", "数控")
PDF = b"%PDF-1.7\n% load material\n" + b"0" * 2048


def failure(response: object) -> str:
    """What went wrong: the status and body, or the connection error (status 0)."""
    error = getattr(response, "error", None)
    if error is not None:
        return f"{type(error).__name__}: {error}"[:300]
    return f"{getattr(response, 'status_code', '?')} {getattr(response, 'text', '')[:200]}"


def resident_id(member: str) -> str:
    """A valid resident ID registered in `member`'s region."""
    body = f"{DIVISIONS[member]}{random.randint(1970, 2002)}{random.randint(1, 12):02d}"
    body += f"{random.randint(1, 28):02d}{random.randint(0, 999):03d}"
    return body + ric.calc_check_digit(body + "0")


class RegionUser(HttpUser):
    """A mix of residents browsing and officers working, on a node chosen per request."""

    wait_time = between(0.0, 0.05)
    host = CONFIG["urls"]["CQ"]

    def on_start(self) -> None:
        # A kept-alive connection the server closed while idle (uvicorn: 5 s) is retried once,
        # as browsers do; POSTs carry an Idempotency-Key, so a retried one is not done twice.
        retry = Retry(total=1, connect=1, read=1, status=0, other=0, redirect=0,
                      allowed_methods=frozenset({"GET", "POST"}), raise_on_status=False)
        self.client.mount("http://", HTTPAdapter(max_retries=retry))

    def _node(self) -> tuple[str, str]:
        member = random.choice(("CQ", "SC"))
        return member, CONFIG["urls"][member]

    def _auth(self, member: str, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {CONFIG['tokens'][member][role]}",
                "Idempotency-Key": uuid.uuid4().hex}

    @task(3)
    def page_view(self) -> None:
        _, url = self._node()
        page = random.choice(("/", "/jobs/"))
        self.client.get(f"{url}{page}", name=f"page {page}")

    @task(4)
    def search(self) -> None:
        _, url = self._node()
        self.client.get(f"{url}/api/jobs/search", name="search",
                        params={"q": random.choice(QUERIES), "facets": "false"})

    @task(1)
    def window_intake(self) -> None:
        member, url = self._node()
        authority = PEER[member]
        body = {"matter_code": f"{authority}-RS-001", "authority_member": authority,
                "applicant": {"name": "张川渝", "id_number": resident_id(member)},
                "materials": [{"code": "id_card", "original_sighted": True}]}
        files = {f"file.{c}": (f"{c}.pdf", PDF + c.encode(), "application/pdf")
                 for c in ("id_card", "application_form")}
        with self.client.post(f"{url}/api/window/cases", name="window intake",
                              headers=self._auth(member, "window_clerk"),
                              data={"case": json.dumps(body, ensure_ascii=False)}, files=files,
                              catch_response=True) as r:
            if r.status_code != 201:
                r.failure(failure(r))

    @task(2)
    def certificate(self) -> None:
        member, url = self._node()
        code = random.choice(CONFIG["licences"][PEER[member]])
        with self.client.get(f"{url}/api/registry/verify", params={"uscc": code},
                             name="certificate (cross-region)", catch_response=True) as r:
            if r.status_code != 200 or r.json().get("outcome") != "valid":
                r.failure(failure(r))

    @task(2)
    def posting(self) -> None:
        member, url = self._node()
        body = {
            "employer_uscc": CONFIG["employers"][member], "employer_name": f"川渝压测企业{member}",
            "title": random.choice(TITLES), "occupation_code": "6", "industry_code": "C",
            "division_code": DIVISIONS[member], "salary_min": "5000", "salary_max": "9000",
            "description": f"负责日常生产作业，按国家规定缴纳社会保险。{uuid.uuid4().hex[:6]}",
            "contact_name": "李女士", "contact_phone": "13800000000",
        }  # fmt: skip
        with self.client.post(f"{url}/api/jobs/postings", json=body, name="posting",
                              headers=self._auth(member, "hr_officer"),
                              catch_response=True) as r:
            if r.status_code != 201:
                r.failure(failure(r))
