"""Jobs benchmark: ingest, search latency, recall against substring search, replication lag.

Writes bench/results/jobs.json. Size with JOBS_BENCH_POSTINGS (default 600000). Floors on the
same text and queries: a bare tantivy index of rjieba-segmented text, and a bare SQLite FTS5
table. Progress goes to stderr.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import psutil
import tantivy
from rich.console import Console

from chuanyu.core.config import Settings
from chuanyu.core.node import open_node
from chuanyu.jobs import files, indexing
from chuanyu.jobs.generator import Generator
from chuanyu.jobs.search import schema as idx_schema
from chuanyu.jobs.search.base import PostingDoc, SearchRequest
from chuanyu.jobs.service import ingest
from chuanyu.jobs.text import contains_all, query_words, segment

N = int(os.environ.get("JOBS_BENCH_POSTINGS", "600000"))
EMPLOYERS = max(100, N * 13 // 600)
AS_OF = date(2020, 7, 8)
NOW = datetime(2020, 7, 8, 12, tzinfo=UTC)
OUT = Path(__file__).parent / "results" / "jobs.json"
err = Console(stderr=True)
ROOT = Path(__file__).resolve().parent.parent


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def batches(gen: Generator, emps: list, size: int = 2000):  # type: ignore[no-untyped-def]
    batch = []
    for p in gen.postings(emps, N):
        batch.append(files.record_of(p))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def queries(rng: random.Random) -> list[SearchRequest]:
    one = [
        "焊工",
        "仓管",
        "会计",
        "成都",
        "数据分析",
        "电商运营",
        "司机",
        "厨师",
        "护士",
        "普工",
        "java",
        "销售",
        "客服",
        "保安",
        "焊",
        "电工",
        "施工员",
        "教师",
        "五险一金",
        "包吃包住",
        "工程师",
        "叉车",
        "快递员",
        "收银员",
        "程序员",
        "设计师",
        "出纳",
        "房产",
        "银行",
        "重庆",
    ]
    cities = ["重庆", "成都", "绵阳", "渝北", "南充", "宜宾", "万州", "德阳"]
    out = [SearchRequest(q=w) for w in one]
    for _ in range(150):
        out.append(SearchRequest(q=f"{rng.choice(one)} {rng.choice(cities)}"))
    for _ in range(150):
        out.append(
            SearchRequest(
                q=rng.choice(one),
                region=rng.choice(["500000", "510000", "510100", "500112", "510700"]),
                industry=rng.choice([None, "C", "E", "F"]),
                salary_band=rng.choice([None, 2, 3]),
                recency_days=rng.choice([None, 7, 30]),
            )
        )
    for r in out:
        r.now, r.today = NOW, AS_OF
    return out


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-jobs-"))
    env = {**os.environ, "CHUANYU_VAR_DIR": str(tmp)}
    subprocess.run(
        [sys.executable, "-m", "chuanyu", "federation", "init"],
        env=env,
        check=True,
        capture_output=True,
    )
    node = open_node(Settings(member="CQ", var_dir=tmp, relay_enabled=False))
    gen = Generator(seed=2020, as_of=AS_OF)
    emps = gen.employers(EMPLOYERS)
    # -- ingest: validate + store + publish + segment + index (generation not counted)
    ing = ingest.Ingest(node)
    ingest_s, done = 0.0, 0
    for batch in batches(gen, emps):
        t = time.perf_counter()
        ing.store([ingest.validate_record(r) for r in batch])
        ingest_s += time.perf_counter() - t
        done += len(batch)
        if done % 50000 < 2000:
            err.print(f"ingest {done}/{N} {done / ingest_s:.0f}/s")
    t = time.perf_counter()
    ing.flush()
    ingest_s += time.perf_counter() - t
    peak_rss = psutil.Process().memory_info().rss / 1e6
    index = indexing.indexer_for(node, start=False).index  # type: ignore[union-attr]
    err.print(f"ingest done {N / ingest_s:.0f}/s, index has {index.count()}")
    # -- floors: bare tantivy and FTS5 over the same text (open postings only)
    gen2 = Generator(seed=2020, as_of=AS_OF)
    emps2 = gen2.employers(EMPLOYERS)
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("t", tokenizer_name=idx_schema.WORD_TOKENIZER)
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    fschema = sb.build()
    (tmp / "floor").mkdir()
    floor = tantivy.Index(fschema, str(tmp / "floor"))
    idx_schema.register_tokenizers(floor)
    fw = floor.writer(256_000_000, 2)
    fts = sqlite3.connect(tmp / "fts.db")
    fts.execute("CREATE VIRTUAL TABLE f USING fts5(id UNINDEXED, t)")
    floor_s = fts_s = 0.0
    texts: list[str] = []
    for batch in batches(gen2, emps2):
        docs = [
            PostingDoc(
                id=r["id"],
                origin="",
                title=r["title"],
                employer_name=r["employer_name"],
                occupation_code=r["occupation_code"],
                industry_code=r["industry_code"],
                division_code=r["division_code"],
                salary_min=int(r["salary_min"]),
                salary_max=int(r["salary_max"]),
                education=str(r["education"]),
                experience=str(r["experience"]),
                employment_type="",
                headcount=1,
                benefits=r["benefits"],
                description=r["description"],
                published_at=r["published_at"],
                valid_to=r["valid_to"],
            )
            for r in batch
            if r["status"] == "open" and r["valid_to"] >= AS_OF
        ]
        batch_texts = [d.searchable_text() for d in docs]
        texts.extend(batch_texts)
        t = time.perf_counter()
        segs = [segment(x) for x in batch_texts]
        for d, s in zip(docs, segs, strict=True):
            fw.add_document(tantivy.Document(id=d.id, t=s))
        floor_s += time.perf_counter() - t
        t = time.perf_counter()
        fts.executemany(
            "INSERT INTO f VALUES (?, ?)", [(d.id, s) for d, s in zip(docs, segs, strict=True)]
        )
        fts_s += time.perf_counter() - t
    t = time.perf_counter()
    fw.commit()
    floor.reload()
    floor_s += time.perf_counter() - t
    fts.commit()
    err.print(f"floor tantivy {len(texts) / floor_s:.0f}/s, fts5 build {fts_s:.0f}s")
    # -- queries
    reqs = queries(random.Random(7))
    ours, bare, f5 = [], [], []
    fsearch = floor.searcher()
    for r in reqs:
        t = time.perf_counter()
        index.search(r)
        ours.append((time.perf_counter() - t) * 1000)
        words = [w for q in query_words(r.q) for w in segment(q).split()]
        fq = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, tantivy.Query.term_query(fschema, "t", w)) for w in words]
        )
        t = time.perf_counter()
        fsearch.search(fq, 20)
        bare.append((time.perf_counter() - t) * 1000)
        match = " AND ".join(f'"{w}"' for w in words)
        t = time.perf_counter()
        fts.execute("SELECT id FROM f WHERE f MATCH ? ORDER BY rank LIMIT 20", (match,)).fetchall()
        fts.execute("SELECT count(*) FROM f WHERE f MATCH ?", (match,)).fetchone()
        f5.append((time.perf_counter() - t) * 1000)
    err.print(
        f"queries p99 ours {pct(ours, 99):.1f} bare {pct(bare, 99):.1f} fts5 {pct(f5, 99):.1f}"
    )
    # -- recall / precision vs substring over the plain word queries (no filters)
    found = expected = hit = 0
    word_reqs = [r for r in reqs if r.region is None][:60]
    for r in word_reqs:
        words = query_words(r.q)
        truth = sum(1 for x in texts if contains_all(x, words))
        got = index.search(SearchRequest(q=r.q, now=NOW, today=AS_OF, per_page=1, facets=False))
        expected += truth
        found += got.total
        hit += min(truth, got.total)
    recall = hit / expected if expected else 1.0
    precision = hit / found if found else 1.0
    node.close()
    lag = replication_lag()
    result = {
        "postings": N, "open_postings_indexed": index.count(), "employers": EMPLOYERS,
        "ingest_per_s": round(N / ingest_s, 1),
        "floor_ingest_per_s": round(len(texts) / floor_s, 1),
        "fts5_build_s": round(fts_s, 1), "query_count": len(reqs),
        "query_p50_ms": round(pct(ours, 50), 2), "query_p99_ms": round(pct(ours, 99), 2),
        "floor_query_p50_ms": round(pct(bare, 50), 2),
        "floor_query_p99_ms": round(pct(bare, 99), 2),
        "fts5_query_p50_ms": round(pct(f5, 50), 2), "fts5_query_p99_ms": round(pct(f5, 99), 2),
        **lag, "peak_rss_mb": round(peak_rss, 1),
        "recall_vs_substring": round(recall, 4), "precision_vs_substring": round(precision, 4),
        "recall_queries": len(word_reqs), "cpu_count": os.cpu_count(),
        "load_avg_1m_at_end": os.getloadavg()[0],
    }  # fmt: skip
    OUT.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    err.print(json.dumps(result, ensure_ascii=False))


def replication_lag(rate: float = 200.0, seconds: float = 10.0) -> dict[str, float]:
    """Publish on CQ at `rate`/s through the API; time until each is searchable on SC."""
    sys.path.insert(0, str(ROOT))
    from tests.support.nodes import LiveFederation

    fed = LiveFederation(Path(tempfile.mkdtemp(prefix="bench-jobs-live-")))
    fed.start()
    published: dict[str, float] = {}
    seen: dict[str, float] = {}
    stop = threading.Event()
    try:
        headers = fed.cq.headers("hr_officer")

        def poll() -> None:
            with httpx.Client(base_url=fed.sc.url, timeout=10) as c:
                while not stop.is_set():
                    r = c.get(
                        "/api/jobs/search",
                        params={"origin": "CQ", "sort": "newest", "per_page": 100, "facets": False},
                    )
                    now = time.perf_counter()
                    for h in r.json()["hits"]:
                        seen.setdefault(h["id"], now)
                    time.sleep(0.01)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        body = {"employer_uscc": "91500112MA5U7AJ18W", "employer_name": "重庆基准测试机械有限公司",
                "title": "焊工", "occupation_code": "6", "industry_code": "C",
                "division_code": "500103", "salary_min": "5000", "salary_max": "8000",
                "description": "负责焊接作业", "contact_name": "王先生",
                "contact_phone": "13800000000"}  # fmt: skip
        with httpx.Client(base_url=fed.cq.url, timeout=10, headers=headers) as c:
            start = time.perf_counter()
            for i in range(int(rate * seconds)):
                target = start + i / rate
                delay = target - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                r = c.post("/api/jobs/postings", json=body)
                published[r.json()["id"]] = time.perf_counter()
        deadline = time.perf_counter() + 30
        while len(set(published) & set(seen)) < len(published) and time.perf_counter() < deadline:
            time.sleep(0.05)
        stop.set()
        lags = [seen[k] - t for k, t in published.items() if k in seen]
        achieved = len(published) / (max(published.values()) - min(published.values()) or 1)
        return {"replication_lag_p50_s": round(pct(lags, 50), 3) if lags else -1,
                "replication_lag_p99_s": round(pct(lags, 99), 3) if lags else -1,
                "replication_published": len(published), "replication_seen": len(lags),
                "replication_rate_per_s": round(achieved, 1)}  # fmt: skip
    finally:
        stop.set()
        fed.stop()


if __name__ == "__main__":
    main()
