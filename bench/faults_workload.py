"""The mixed workload of the fault benchmark: postings, window cases, ledger entries, probes.

Clients call the node ports directly, so they keep working during a partition of the link
between the nodes; a call that fails because its node was just killed is counted, not retried
(its outcome is unknown, and the checks read what the databases hold, not what clients think).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
from stdnum.cn import ric

from bench.faults_checks import peer_of
from chuanyu.registry import uscc

PDF = b"%PDF-1.7\n% bench material\n" + b"0" * 2048
DIVISIONS = {"CQ": "500103", "SC": "510104"}
TITLES = ("氩弧焊工", "数控车工", "仓库管理员", "会计", "护理员", "软件测试工程师", "电工", "厨师")


class Workload:
    """Threads that keep both nodes busy until `stop` is set."""

    def __init__(self, urls: dict[str, str], tokens: dict[str, str], env: dict[str, str],
                 seed: int = 14) -> None:
        self.urls = urls
        self.headers = {m: {"Authorization": f"Bearer {t}"} for m, t in tokens.items()}
        self.env = env
        self.rng = random.Random(seed)
        self.stop = threading.Event()
        self.calls: Counter[str] = Counter()
        self.failures: Counter[str] = Counter()
        self.postings: dict[str, list[str]] = {"CQ": [], "SC": []}
        self.cases: list[tuple[str, str]] = []  # (authority member, case number)
        self.employers = {m: uscc.assemble(category="1", division_code=DIVISIONS[m][:4] + "00",
                                           org_body=uscc.random_org_body(self.rng.randrange))
                          for m in DIVISIONS}
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Start one thread per kind."""
        for name, step, pause in (("postings", self._posting, 0.15), ("window", self._case, 0.8),
                                  ("ledger", self._entry, 1.0), ("probe", self._probe, 6.0)):
            thread = threading.Thread(target=self._loop, args=(name, step, pause), daemon=True,
                                      name=f"workload-{name}")
            thread.start()
            self._threads.append(thread)

    def finish(self) -> None:
        """Stop every thread and wait for its last call."""
        self.stop.set()
        for thread in self._threads:
            thread.join(timeout=120)

    def _loop(self, name: str, step: Callable[[httpx.Client], None], pause: float) -> None:
        with httpx.Client(timeout=30) as http:
            while not self.stop.is_set():
                try:
                    step(http)
                    self.calls[name] += 1
                except (httpx.HTTPError, subprocess.SubprocessError, OSError) as exc:
                    self.failures[f"{name}: {type(exc).__name__}"] += 1
                except UnexpectedAnswer as exc:
                    self.failures[f"{name}: {exc}"] += 1
                self.stop.wait(pause * self.rng.uniform(0.5, 1.5))

    def _member(self) -> str:
        return self.rng.choice(("CQ", "SC"))

    def _post(self, http: httpx.Client, member: str, path: str, ok: tuple[int, ...],
              **kwargs: Any) -> httpx.Response:
        r = http.post(f"{self.urls[member]}{path}", headers=self.headers[member], **kwargs)
        if r.status_code not in ok:
            raise UnexpectedAnswer(f"{member} {path.split('/')[2]} {r.status_code} {r.text[:120]}")
        return r

    def _posting(self, http: httpx.Client) -> None:
        member = self._member()
        mine = self.postings[member]
        if mine and self.rng.random() < 0.1:
            pid = mine.pop(self.rng.randrange(len(mine)))
            self._post(http, member, f"/api/jobs/postings/{pid}/close", (200, 409))
            return
        body = {
            "employer_uscc": self.employers[member], "employer_name": f"川渝测试企业{member}",
            "title": self.rng.choice(TITLES), "occupation_code": "6", "industry_code": "C",
            "division_code": DIVISIONS[member], "salary_min": "5000", "salary_max": "9000",
            "description": "负责日常生产作业，按国家规定缴纳社会保险。", "contact_name": "李女士",
            "contact_phone": "13800000000",
        }  # fmt: skip
        r = self._post(http, member, "/api/jobs/postings", (201,), json=body)
        mine.append(r.json()["id"])

    def _case(self, http: httpx.Client) -> None:
        member = self._member()
        with self._lock:
            ready = [c for c in self.cases if c[0] == member]
        if ready and self.rng.random() < 0.5:
            self._decide(http, member, self.rng.choice(ready))
            return
        authority = peer_of(member)
        body = {"matter_code": f"{authority}-RS-001", "authority_member": authority,
                "applicant": {"name": "张川渝", "id_number": self._resident_id(member)},
                "materials": [{"code": "id_card", "original_sighted": True}]}
        files = {f"file.{c}": (f"{c}.pdf", PDF + c.encode(), "application/pdf")
                 for c in ("id_card", "application_form")}
        r = self._post(http, member, "/api/window/cases", (201,),
                       data={"case": json.dumps(body, ensure_ascii=False)}, files=files)
        with self._lock:
            self.cases.append((authority, r.json()["case_number"]))

    def _decide(self, http: httpx.Client, member: str, case: tuple[str, str]) -> None:
        """The authority accepts an arrived case, or approves an accepted one."""
        number = case[1]
        r = http.get(f"{self.urls[member]}/api/window/cases/{number}", headers=self.headers[member])
        if r.status_code == 404:
            return  # not arrived yet
        status = r.json()["status"]
        action = {"received": "accept", "accepted": "approve"}.get(status)
        if action is None:
            with self._lock:
                self.cases.remove(case)
            return
        self._post(http, member, f"/api/window/cases/{number}/{action}", (200, 409),
                   json={"note": "材料齐全，予以办理"})

    def _resident_id(self, member: str) -> str:
        body = f"{DIVISIONS[member]}{self.rng.randint(1970, 2002)}{self.rng.randint(1, 12):02d}"
        body += f"{self.rng.randint(1, 28):02d}{self.rng.randint(0, 999):03d}"
        return body + ric.calc_check_digit(body + "0")

    def _entry(self, http: httpx.Client) -> None:
        member = self._member()
        n = self.calls["ledger"] + sum(v for k, v in self.failures.items() if "ledger" in k)
        body = {"id": f"faults-{member.lower()}-{n:06d}", "kind": "service_opened",
                "title": f"跨省公交线路试运行（第{n}批）", "date": "2020-06-15",
                "parties": ["500153", "511083"], "detail": {"service_kind": "bus_line"},
                "metrics": {"length_km": 30 + n % 20}}
        self._post(http, member, "/api/ledger/entries", (201, 409), json=body)

    def _probe(self, _http: httpx.Client) -> None:
        member = self._member()
        subprocess.run([sys.executable, "-m", "chuanyu", "exchange", "probe", "--member", member,
                        "--count", "50"], env=self.env, capture_output=True, check=True,
                       timeout=120)


class UnexpectedAnswer(Exception):
    """A node answered a workload call with a status the benchmark did not expect."""
