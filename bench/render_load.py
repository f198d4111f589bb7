"""Window intakes while the ledger report of 10,000 entries renders as a PDF on the same node.

The report is built and rendered on a read session held open for the whole render (as the
report route does); intakes write on the node's single writer connection meanwhile. Measured
twice: the render in another process (what the database alone costs the intake: a read
transaction blocks no writer) and in the intake's own process (what a one-process node shows,
where the render also competes for the interpreter). Target: the intake's p99 during the render
stays within 2× its idle p99.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from bench.common import summary_ms
from chuanyu.core import clock
from chuanyu.core.config import Settings
from chuanyu.core.db import read_scope, write_scope
from chuanyu.ledger.generate import generate_entries
from chuanyu.ledger.reports import render
from chuanyu.ledger.service import build_report_for, load_seed
from chuanyu.ledger.service.entries import add_entry
from chuanyu.node import Node, open_node

ENTRIES = int(os.environ.get("WINDOW_BENCH_LEDGER_ENTRIES", "10000"))
AS_OF = date(2022, 12, 31)
GUARD_S = 600  # a render that never signals fails the run instead of hanging it


def load_ledger(node: Node, count: int = ENTRIES) -> None:
    """The seed ledger and `count` generated entries, in units of 1,000."""
    with write_scope(node) as session:
        load_seed(session=session, member=node.member)
    batch = []
    for entry in generate_entries(count):
        batch.append(entry)
        if len(batch) == 1000:
            _store(node, batch)
            batch = []
    _store(node, batch)


def _store(node: Node, entries: list[Any]) -> None:
    with write_scope(node) as session:
        for entry in entries:
            add_entry(session=session, member=node.member, data=entry)


def render_pdf(node: Node, started: Any) -> float:
    """Build and render the report on one read session held open throughout; seconds taken."""
    began = time.perf_counter()
    with read_scope(node) as session:
        report = build_report_for(session=session, as_of=AS_OF, with_live=True)
        started.set()
        render(report, "pdf")
    return time.perf_counter() - began


def _render_in_process(settings: Settings, started: Any, took: Any) -> None:
    node = open_node(settings, migrate=False)
    try:
        took.value = render_pdf(node, started)
    finally:
        node.close()


def _intakes(intake: Callable[[int], None], first: int, count: int) -> list[float]:
    times = []
    for i in range(first, first + count):
        began = time.perf_counter()
        intake(i)
        times.append(time.perf_counter() - began)
    return times


def measure(node: Node, intake: Callable[[int], None], count: int) -> dict[str, Any]:
    """Idle intake latency, then the same number of intakes during a PDF render (in another
    process, then in this one)."""
    with clock.freeze(datetime(2020, 9, 1, 2, tzinfo=UTC)):
        idle = summary_ms(_intakes(intake, 0, count))
        result: dict[str, Any] = {"entries": ENTRIES, "intakes_per_phase": count,
                                  "idle": idle}
        ctx = multiprocessing.get_context("spawn")
        started, took = ctx.Event(), ctx.Value("d", 0.0)
        proc = ctx.Process(target=_render_in_process, args=(node.settings, started, took))
        proc.start()
        if not started.wait(GUARD_S):
            proc.kill()
            raise RuntimeError("the report render did not start")
        during = _intakes(intake, count, count)
        rendering = proc.is_alive()
        proc.join(GUARD_S)
        result["render_other_process"] = {
            **summary_ms(during), "render_s": round(took.value, 2),
            "render_still_running_at_last_intake": rendering}
        local_started = threading.Event()
        local_took: list[float] = []
        thread = threading.Thread(
            target=lambda: local_took.append(render_pdf(node, local_started)))
        thread.start()
        if not local_started.wait(GUARD_S):
            raise RuntimeError("the report render did not start")
        during = _intakes(intake, 2 * count, count)
        rendering = thread.is_alive()
        thread.join(GUARD_S)
        result["render_same_process"] = {
            **summary_ms(during), "render_s": round(local_took[0], 2) if local_took else None,
            "render_still_running_at_last_intake": rendering}
    for key in ("render_other_process", "render_same_process"):
        result[key]["p99_vs_idle"] = round(result[key]["p99_ms"] / idle["p99_ms"], 2)
    result["target_p99_within_2x_idle"] = result["render_other_process"]["p99_vs_idle"] <= 2
    return result
