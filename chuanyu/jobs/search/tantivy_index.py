"""The embedded search index: tantivy on disk, one writer per node, readers reload on commit."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import tantivy
from tantivy import Query

from chuanyu.jobs.search import facets
from chuanyu.jobs.search.base import Hit, PostingDoc, SearchPage, SearchRequest
from chuanyu.jobs.search.query import combine, filter_queries, words_query
from chuanyu.jobs.search.schema import (
    build_schema,
    card_of,
    index_format,
    register_tokenizers,
    to_documents,
)
from chuanyu.jobs.text import highlight, query_words, synonyms

log = logging.getLogger(__name__)

MAX_RESULTS_WINDOW = 1000
VERSION_FILE = "chuanyu-schema.json"


@cache
def _passes() -> ThreadPoolExecutor:
    """Threads for the facet passes of searches, one per core this process may use."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return ThreadPoolExecutor(max_workers=cores or 2, thread_name_prefix="jobs-facets")


class IndexLocked(RuntimeError):
    """Another process holds the index writer."""


class IndexWriteFailed(RuntimeError):
    """Writing the index failed (disk full, I/O error); every change since the last commit
    was dropped, so the caller must apply them again."""


# tantivy's own lock file for its single writer (it takes an exclusive flock on it).
WRITER_LOCK = ".tantivy-writer.lock"


def _built_as_now(path: Path) -> bool:
    """True when the folder holds an index whose fill committed with today's schema version
    and synonyms (the marker is written only after that commit)."""
    try:
        built_with = json.loads((path / VERSION_FILE).read_text())
    except (OSError, ValueError):
        return False
    return bool(built_with == index_format() and (path / "meta.json").exists())


@contextmanager
def _writer_lock(path: Path) -> Iterator[None]:
    """Hold the index writer's lock, or raise `IndexLocked` at once."""
    with open(path / WRITER_LOCK, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IndexLocked(f"the index at {path} is in use by another process") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class TantivyIndex:
    """`SearchIndex` over an on-disk tantivy index (or in memory when `path` is None)."""

    def __init__(self, path: Path | None, *, heap_mb: int = 256, threads: int = 2) -> None:
        self.path = path
        self.schema = build_schema()
        # True when the index must be filled from the database: it is new, its first fill
        # never committed, or it was built with other synonyms or another schema version.
        self.is_new = path is None or not _built_as_now(path)
        self.index = self._open(path)
        register_tokenizers(self.index)
        self._heap = heap_mb * 1_000_000
        self._threads = threads
        self._writer: tantivy.IndexWriter | None = None
        self._lock = threading.Lock()
        self._marker: tuple[int, bool] | None = None  # (marker file's mtime, built as now)

    def _open(self, path: Path | None) -> tantivy.Index:
        """Open (or create) the index. Files of an incompatible schema are removed, but only
        while holding the writer's lock: never under a process that is using them."""
        if path is None:
            return tantivy.Index(self.schema)
        path.mkdir(parents=True, exist_ok=True)
        try:
            return tantivy.Index(self.schema, str(path))
        except ValueError as exc:
            if "schema does not match" not in str(exc):
                raise
        with _writer_lock(path):
            log.warning("search index at %s has another schema; starting it afresh", path)
            for entry in path.iterdir():
                if entry.is_dir():
                    shutil.rmtree(entry)
                elif entry.name != WRITER_LOCK:
                    entry.unlink()
        self.is_new = True
        return tantivy.Index(self.schema, str(path))

    def _mark_built(self) -> None:
        """Record how the index was built, once its first fill has committed."""
        if self.path is not None and self.is_new:
            # Replaced in one step: a marker cut short by a full disk must not survive.
            partial = self.path / f"{VERSION_FILE}.tmp"
            partial.write_text(json.dumps(index_format()))
            partial.replace(self.path / VERSION_FILE)
            self.is_new = False

    def recheck_built(self) -> None:
        """Forget `is_new` when another process filled the index since it was opened."""
        if self.is_new and self.path is not None and _built_as_now(self.path):
            self.is_new = False

    def records_this_vocabulary(self) -> bool:
        """True when the searchable index recorded the known words and synonym groups this
        process knows, so that looking them up is exact. False while an index built with
        another vocabulary is still being replaced (searches then match substrings)."""
        if self.path is None:
            return True
        try:
            stamp = (self.path / VERSION_FILE).stat().st_mtime_ns
        except OSError:
            return False
        if self._marker is None or self._marker[0] != stamp:
            self._marker = (stamp, _built_as_now(self.path))
        return self._marker[1]

    # -- writing -----------------------------------------------------------------------------

    def writer(self) -> tantivy.IndexWriter:
        """The index writer, opened on first use; raises `IndexLocked` if another holds it."""
        if self._writer is None:
            try:
                self._writer = self.index.writer(self._heap, self._threads)
            except ValueError as exc:
                if "lock" in str(exc).lower():
                    raise IndexLocked(str(exc)) from exc
                raise
        return self._writer

    @contextmanager
    def _writing(self) -> Iterator[tantivy.IndexWriter]:
        """The writer, for one change; a failed change rolls the writer back to the last commit.

        After a failed write (a commit hitting a full disk, an indexing thread killed by an
        I/O error) tantivy keeps accepting documents and its later commits report success
        while adding nothing: going on with that writer loses postings silently.
        """
        writer = self.writer()
        with self._lock:
            try:
                yield writer
            except BaseException as exc:
                self._roll_back(writer)
                if isinstance(exc, OSError | ValueError):
                    raise IndexWriteFailed(str(exc) or type(exc).__name__) from exc
                raise

    def _roll_back(self, writer: tantivy.IndexWriter) -> None:
        """Back to the last commit (tantivy starts fresh indexing threads, keeping the lock);
        a writer that cannot even do that is dropped and opened anew on next use."""
        try:
            writer.rollback()
        except Exception:  # the writer is beyond repair
            log.warning("search index writer could not roll back; reopening it", exc_info=True)
            if self._writer is writer:
                self._writer = None

    def upsert(self, docs: Sequence[PostingDoc]) -> None:
        """Add or replace postings; visible after `commit`."""
        with self._writing() as writer:
            for doc, document in zip(docs, to_documents(docs), strict=True):
                writer.delete_documents_by_term("pid", doc.id)
                writer.add_document(document)

    def add_new(self, docs: Sequence[PostingDoc]) -> None:
        """Add postings known not to be in the index yet (bulk loads); visible after `commit`."""
        with self._writing() as writer:
            for document in to_documents(docs):
                writer.add_document(document)

    def delete(self, ids: Iterable[str]) -> None:
        """Remove postings by id; visible after `commit`."""
        with self._writing() as writer:
            for pid in ids:
                writer.delete_documents_by_term("pid", pid)

    def clear(self) -> None:
        """Remove everything; visible after `commit`."""
        with self._writing() as writer:
            writer.delete_all_documents()

    def rollback(self) -> None:
        """Drop every change since the last commit."""
        with self._lock:
            if self._writer is not None:
                self._writer.rollback()

    def commit(self) -> None:
        """Persist pending changes and let searchers see them; on `IndexWriteFailed` none of
        them is kept."""
        if self._writer is not None:
            with self._writing() as writer:
                writer.commit()
                self._mark_built()
        self.index.reload()

    def close(self) -> None:
        """Drop uncommitted changes' writer and release its lock."""
        with self._lock:
            writer, self._writer = self._writer, None
            if writer is not None:
                try:
                    writer.wait_merging_threads()
                except ValueError:  # a writer killed by an I/O error still lets go of its lock
                    log.warning("search index writer closed after a failure", exc_info=True)

    # -- reading -----------------------------------------------------------------------------

    def count(self) -> int:
        """Searchable postings."""
        return int(self.index.searcher().num_docs)

    def ids(self) -> set[str]:
        """Every searchable posting's id."""
        searcher = self.index.searcher()
        n = searcher.num_docs
        if n == 0:
            return set()
        result = searcher.search(Query.all_query(), n, count=False)
        return {searcher.doc(addr)["pid"][0] for _score, addr in result.hits}

    def search(self, request: SearchRequest) -> SearchPage:
        """Run a search: one page of hits, the total and (if asked) facet counts."""
        started = time.perf_counter()
        searcher = self.index.searcher()
        words = query_words(request.q)
        match, ranking = words_query(self.schema, words, self.records_this_vocabulary())
        query = combine(match, ranking, filter_queries(self.schema, request))
        per_page = max(1, min(request.per_page, 100))
        offset = min((max(request.page, 1) - 1) * per_page, MAX_RESULTS_WINDOW)
        kwargs: dict[str, Any] = {"limit": per_page, "offset": offset}
        if not words or request.sort == "newest":
            kwargs["order_by_field"] = "published"
        else:
            kwargs["weight_by_field"] = "weight"
        # Facet passes run on other cores while this thread finds the page of hits (tantivy
        # releases the interpreter lock while it searches).
        counting = [
            _passes().submit(searcher.aggregate, q, aggs)
            for q, aggs in (facets.passes(self.schema, request, match) if request.facets else [])
        ]
        try:
            result = searcher.search(query, **kwargs)
        except BaseException:
            for future in counting:
                future.cancel()
            raise
        marks = words + [s for w in words for s in synonyms(w)]
        hits = [self._hit(searcher, score, addr, marks) for score, addr in result.hits]
        page = SearchPage(
            total=result.count,  # type: ignore[attr-defined]
            hits=hits,
            page=max(request.page, 1),
            per_page=per_page,
            words=words,
        )
        if request.facets:
            counts: dict[str, Any] = {}
            for future in counting:
                counts.update(future.result())
            page.facets = facets.label(counts, request)
        page.took_ms = (time.perf_counter() - started) * 1000
        return page

    @staticmethod
    def _hit(searcher: tantivy.Searcher, score: Any, addr: Any, marks: list[str]) -> Hit:
        card = card_of(searcher.doc(addr)["card"][0])
        return Hit(
            id=str(card["id"]),
            score=float(score),
            card=card,
            snippet_html=highlight(str(card["description"]), marks),
            title_html=highlight(str(card["title"]), marks, width=60),
        )
