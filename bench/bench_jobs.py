"""Jobs benchmark: ingest, search latency, recall against substring search, replication lag.

Writes bench/results/jobs.json. Size with JOBS_BENCH_POSTINGS (default 600000). Floors on the
same text and queries: a bare tantivy index of rjieba-segmented text and a bare SQLite FTS5
table, run in a child process (its memory stays apart) after Chuanyu's own ingest, each timed
alone. Progress goes to stderr.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx
import tantivy
from rich.console import Console

from chuanyu.core import runtime
from chuanyu.core.config import Settings
from chuanyu.jobs import files, indexing
from chuanyu.jobs.generate import Generator
from chuanyu.jobs.search import schema as idx_schema
from chuanyu.jobs.search.base import PostingDoc, SearchRequest
from chuanyu.jobs.service import ingest
from chuanyu.jobs.text import query_words, segment
from chuanyu.node import open_node

N = int(os.environ.get("JOBS_BENCH_POSTINGS", "600000"))
EMPLOYERS = max(100, N * 13 // 600)
AS_OF = date(2020, 7, 8)
NOW = datetime(2020, 7, 8, 12, tzinfo=UTC)
OUT = Path(os.environ.get("JOBS_BENCH_OUT") or Path(__file__).parent / "results" / "jobs.json")
err = Console(stderr=True)
ROOT = Path(__file__).resolve().parent.parent
ONE = [
    "焊工", "仓管", "会计", "成都", "数据分析", "电商运营", "司机", "厨师", "护士", "普工", "java",
    "销售", "客服", "保安", "焊", "电工", "施工员", "教师", "五险一金", "包吃包住", "工程师",
    "叉车", "快递员", "收银员", "程序员", "设计师", "出纳", "房产", "银行", "重庆",
]  # fmt: skip
REGIONS = ["500000", "510000", "510100", "500112", "510700"]
TAG_GROUP = 20  # postings sharing one search word in the replication run
BATCH = 2000  # postings per ingest batch
CHUNK = 25  # batches between commits of both indexes
CITIES = ["重庆", "成都", "绵阳", "渝北", "南充", "宜宾", "万州", "德阳"]


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def floor_worker(conn: Connection, folder: str) -> None:
    """The floors: bare tantivy (segment + add + search) and bare FTS5, driven by the parent."""
    root = Path(folder)
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("t", tokenizer_name=idx_schema.WORD_TOKENIZER)
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    schema = sb.build()
    (root / "floor").mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(schema, str(root / "floor"))
    idx_schema.register_tokenizers(index)
    writer = index.writer(256_000_000, 2)
    fts = sqlite3.connect(root / "fts.db")
    fts.execute("CREATE VIRTUAL TABLE f USING fts5(id UNINDEXED, t)")
    searcher: Any = None
    while (msg := conn.recv()) is not None:
        kind, data = msg
        if kind == "add":
            t = time.perf_counter()
            segs = [(pid, segment(text)) for pid, text in data]
            for pid, seg in segs:
                writer.add_document(tantivy.Document(id=pid, t=seg))
            floor_s = time.perf_counter() - t
            t = time.perf_counter()
            fts.executemany("INSERT INTO f VALUES (?, ?)", segs)
            conn.send((floor_s, time.perf_counter() - t))
        elif kind == "commit":
            t = time.perf_counter()
            writer.commit()
            if data == "final":  # let background merges finish before the queries
                writer.wait_merging_threads()
            index.reload()
            floor_s = time.perf_counter() - t
            t = time.perf_counter()
            fts.commit()
            searcher = index.searcher()
            conn.send((floor_s, time.perf_counter() - t))
        elif kind == "query":
            words = [w for q in data for w in segment(q).split()]
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, tantivy.Query.term_query(schema, "t", w)) for w in words]
            )
            t = time.perf_counter()
            searcher.search(query, 20)
            bare_ms = (time.perf_counter() - t) * 1000
            match = " AND ".join(f'"{w}"' for w in words)
            t = time.perf_counter()
            fts.execute(
                "SELECT id FROM f WHERE f MATCH ? ORDER BY rank LIMIT 20", (match,)
            ).fetchall()
            fts.execute("SELECT count(*) FROM f WHERE f MATCH ?", (match,)).fetchone()
            conn.send((bare_ms, (time.perf_counter() - t) * 1000))
    conn.close()


def batches(gen: Generator, size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    emps = gen.employers(EMPLOYERS)
    batch = []
    for p in gen.postings(emps, N):
        batch.append(files.record_of(p))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def text_of(r: dict[str, Any]) -> str:
    """The searchable text of a generated row, as the index sees it."""
    return PostingDoc(
        id=r["id"], origin="", title=r["title"], employer_name=r["employer_name"],
        occupation_code=r["occupation_code"], industry_code=r["industry_code"],
        division_code=r["division_code"], salary_min=int(r["salary_min"]),
        salary_max=int(r["salary_max"]), education="", experience="", employment_type="",
        headcount=1, benefits=r["benefits"], description=r["description"],
        published_at=r["published_at"], valid_to=r["valid_to"],
    ).searchable_text()  # fmt: skip


def queries(rng: random.Random) -> list[SearchRequest]:
    """330 searches: 30 one-word, 150 two-word, 150 with filters; all with facets."""
    out = [SearchRequest(q=w) for w in ONE]
    out += [SearchRequest(q=f"{rng.choice(ONE)} {rng.choice(CITIES)}") for _ in range(150)]
    for _ in range(150):
        out.append(SearchRequest(
            q=rng.choice(ONE), region=rng.choice(REGIONS),
            industry=rng.choice([None, "C", "E", "F"]), salary_band=rng.choice([None, 2, 3]),
            recency_days=rng.choice([None, 7, 30]),
        ))  # fmt: skip
    for r in out:
        r.now, r.today = NOW, AS_OF
    return out


def main() -> None:
    runtime.tune_garbage_collector()  # as the command line does for `jobs generate`/`import`
    tmp = Path(tempfile.mkdtemp(prefix="bench-jobs-"))
    load_start = os.getloadavg()
    env = {**os.environ, "CHUANYU_VAR_DIR": str(tmp)}
    subprocess.run([sys.executable, "-m", "chuanyu", "federation", "init"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    node = open_node(Settings(member="CQ", var_dir=tmp, relay_enabled=False))
    parent, child = mp.Pipe()
    floor = mp.get_context("fork").Process(target=floor_worker, args=(child, str(tmp)))
    floor.start()
    reqs = queries(random.Random(7))
    recall_reqs = [r for r in reqs if r.region is None][:60]
    truth = [0] * len(recall_reqs)
    recall_words = [query_words(r.q) for r in recall_reqs]
    # -- ingest (validate + store + publish + segment + index), ours alone on the machine
    ing = ingest.Ingest(node)
    ingest_s = 0.0
    done = 0
    for n, batch in enumerate(batches(Generator(seed=2020, as_of=AS_OF)), 1):
        t = time.perf_counter()
        ing.store([ingest.validate_record(r) for r in batch])
        ingest_s += time.perf_counter() - t
        done += len(batch)
        if n % CHUNK == 0 or done == N:
            t = time.perf_counter()
            if done < N:
                ing.flush()
            else:  # the last flush, and background merges finish inside the timing
                indexer = ing.indexer
                ing.close()
                if indexer is not None:
                    indexer.index.close()
            ingest_s += time.perf_counter() - t
            err.print(f"ingest {done}/{N}: ours {done / ingest_s:.0f}/s")
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # -- the floors, on the same generated postings (the generator is deterministic), after
    # ours: timed apart, so that neither side's background indexing threads run in the
    # other's time; the open postings only, as the node indexes
    floor_s = fts_s = 0.0
    floor_docs = 0
    for n, batch in enumerate(batches(Generator(seed=2020, as_of=AS_OF)), 1):
        live = [r for r in batch if r["status"] == "open" and r["valid_to"] >= AS_OF]
        texts = [text_of(r) for r in live]
        parent.send(("add", [(r["id"], x) for r, x in zip(live, texts, strict=True)]))
        for low in (x.lower() for x in texts):
            for i, words in enumerate(recall_words):
                if all(w in low for w in words):
                    truth[i] += 1
        f, s = parent.recv()
        floor_s, fts_s, floor_docs = floor_s + f, fts_s + s, floor_docs + len(live)
        if n % CHUNK == 0 or n * BATCH >= N:
            parent.send(("commit", "final" if n * BATCH >= N else None))
            f, s = parent.recv()
            floor_s, fts_s = floor_s + f, fts_s + s
            err.print(f"floors {min(n * BATCH, N)}/{N}: bare tantivy {floor_docs / floor_s:.0f}/s")
    disk_mb = {p.name: round(_size(p) / 1e6, 1) for p in tmp.iterdir() if p.is_dir()
               or p.suffix == ".db"}  # fmt: skip
    index = indexing.search_index(node)
    err.print(f"ingest done: ours {N / ingest_s:.0f}/s; index holds {index.count()}")
    # -- queries: ours, bare tantivy, FTS5, one after the other for each request; one
    # warm-up pass first (all three), so that no side pays for a cold page cache alone
    for r in reqs:
        index.search(r)
        parent.send(("query", query_words(r.q)))
        parent.recv()
    ours, bare, f5 = [], [], []
    kinds: dict[str, list[float]] = {"one_word": [], "two_words": [], "filtered": []}
    for r in reqs:
        t = time.perf_counter()
        index.search(r)
        ours.append((time.perf_counter() - t) * 1000)
        kind = "filtered" if r.region else "two_words" if " " in r.q else "one_word"
        kinds[kind].append(ours[-1])
        parent.send(("query", query_words(r.q)))
        b, f = parent.recv()
        bare.append(b)
        f5.append(f)
    parent.send(None)
    floor.join()
    err.print(f"query p99 ours {pct(ours, 99):.1f} bare {pct(bare, 99):.1f} fts5 {pct(f5, 99):.1f}")
    # -- recall / precision against substring search over the plain word queries
    found = hit = 0
    for r, expected in zip(recall_reqs, truth, strict=True):
        got = index.search(SearchRequest(q=r.q, now=NOW, today=AS_OF, per_page=1, facets=False))
        found += got.total
        hit += min(expected, got.total)
    expected_total = sum(truth)
    node.close()
    lag = replication_lag()
    single = replication_lag(group=1)
    lag.update({k.replace("replication_", "replication_single_"): v for k, v in single.items()})
    result = {
        "postings": N, "open_postings_indexed": index.count(), "employers": EMPLOYERS,
        "ingest_per_s": round(N / ingest_s, 1),
        "floor_ingest_per_s": round(floor_docs / floor_s, 1),
        "ingest_vs_floor": round((N / ingest_s) / (floor_docs / floor_s), 3),
        "fts5_build_s": round(fts_s, 1), "query_count": len(reqs),
        "query_p50_ms": round(pct(ours, 50), 2), "query_p99_ms": round(pct(ours, 99), 2),
        "floor_query_p50_ms": round(pct(bare, 50), 2),
        "floor_query_p99_ms": round(pct(bare, 99), 2),
        "fts5_query_p50_ms": round(pct(f5, 50), 2), "fts5_query_p99_ms": round(pct(f5, 99), 2),
        "query_p99_ms_by_kind": {k: round(pct(v, 99), 2) for k, v in kinds.items()},
        **lag, "peak_rss_mb": round(peak_rss, 1), "disk_mb": disk_mb,
        "recall_vs_substring": round(hit / expected_total, 4) if expected_total else 1.0,
        "precision_vs_substring": round(hit / found, 4) if found else 1.0,
        "recall_queries": len(recall_reqs), "cpu_count": os.cpu_count(),
        "load_avg_at_start": [round(x, 2) for x in load_start],
        "load_avg_at_end": [round(x, 2) for x in os.getloadavg()],
        "note": "2-core machine; load averages above show what else ran; ingest and its "
                "floors are timed one after the other, queries one request at a time for all "
                "three",
    }  # fmt: skip
    shutil.rmtree(tmp, ignore_errors=True)
    OUT.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    err.print(json.dumps(result, ensure_ascii=False))


BODY = {"employer_uscc": "91500112MA5U7AJ18W", "employer_name": "重庆基准测试机械有限公司",
        "title": "焊工", "occupation_code": "6", "industry_code": "C", "division_code": "500103",
        "salary_min": "5000", "salary_max": "8000", "description": "负责焊接作业",
        "contact_name": "王先生", "contact_phone": "13800000000"}  # fmt: skip


def replication_lag(rate: float = 200.0, seconds: float = 10.0, group: int = 20) -> dict[str, Any]:
    """Publish on CQ at `rate`/s through an in-process CQ node with its relay running; time
    until a search on a live SC node finds each posting. With `group` > 1 postings go in
    `group` at a time (one transaction and one event each, the ingest service); with 1, one
    posting per transaction through the posting service (as the API does), as fast as one
    thread manages."""
    sys.path.insert(0, str(ROOT))
    from chuanyu.core.db import write_scope
    from chuanyu.core.schemas import UserRead
    from chuanyu.jobs.schemas import PostingCreate
    from chuanyu.jobs.service import postings
    from tests.support.nodes import LiveFederation

    root = Path(tempfile.mkdtemp(prefix="bench-jobs-live-"))
    fed = LiveFederation(root)
    fed.sc.start()
    cq = open_node(Settings(member="CQ", var_dir=root, federation_dir=root / "federation",
                            relay_poll_s=0.2))  # fmt: skip
    cq.start_relay()
    officer = UserRead(id=1, username="bench", display_name="bench", roles=["hr_officer"],
                       member="CQ")  # fmt: skip
    published: dict[str, float] = {}
    seen: dict[str, float] = {}
    stop = threading.Event()

    tags: dict[str, int] = {}  # a word unique to each 20 postings -> postings published so far

    def poll() -> None:
        with httpx.Client(base_url=fed.sc.url, timeout=10) as c:
            while not stop.is_set():
                for tag in list(tags):
                    r = c.get("/api/jobs/search", params={"q": tag, "per_page": 100,
                                                          "facets": False})  # fmt: skip
                    now = time.perf_counter()
                    hits = r.json()["hits"]
                    for h in hits:
                        seen.setdefault(h["id"], now)
                    if len(hits) >= TAG_GROUP:
                        tags.pop(tag)
                stop.wait(0.05)

    poller = threading.Thread(target=poll, daemon=True)
    try:
        poller.start()
        start = time.perf_counter()
        bulk = ingest.Ingest(cq)
        for i in range(0, int(rate * seconds), group):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            tag = f"批{i // TAG_GROUP:06d}号"
            rows = [{**BODY, "id": uuid.uuid4().hex, "description": f"负责焊接作业，{tag}"}
                    for _ in range(group)]  # fmt: skip
            if group == 1:
                with write_scope(cq) as session:
                    data = PostingCreate.model_validate(rows[0])
                    pids = [postings.create(session=session, member="CQ", user=officer,
                                            data=data).id]  # fmt: skip
            else:
                records = [ingest.validate_record(r) for r in rows]
                pids = [str(r.id) for r in records]
                bulk.store(records)
            done = time.perf_counter()
            published.update(dict.fromkeys(pids, done))
            tags[tag] = tags.get(tag, 0) + len(pids)
        span = time.perf_counter() - start
        deadline = time.perf_counter() + 30
        while set(published) - set(seen) and time.perf_counter() < deadline:
            stop.wait(0.05)
        lags = [max(0.0, seen[k] - t) for k, t in published.items() if k in seen]
        return {"replication_lag_p50_s": round(pct(lags, 50), 3) if lags else -1,
                "replication_lag_p99_s": round(pct(lags, 99), 3) if lags else -1,
                "replication_published": len(published), "replication_seen": len(lags),
                "replication_rate_per_s": round(len(published) / span, 1),
                "replication_postings_per_transaction": group}  # fmt: skip
    finally:
        stop.set()
        poller.join(timeout=10)
        cq.close()
        fed.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["lag"]:
        err.print(replication_lag())
    else:
        main()
