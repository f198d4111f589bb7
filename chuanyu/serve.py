"""Running a node: one process, several uvicorn workers (PostgreSQL only), or its
once-per-node work alone (`chuanyu node work`)."""

from __future__ import annotations

import logging
import os
import signal
import threading
from typing import Any

from fastapi import FastAPI

from chuanyu.core import runtime
from chuanyu.core.config import Settings, get_settings

log = logging.getLogger(__name__)

# The settings of `node serve`, handed to each worker process (they start afresh).
SETTINGS_ENV = "CHUANYU_SERVE_SETTINGS"


class SingleProcessOnly(ValueError):
    """Several workers asked of a node on SQLite."""


def on_postgresql(settings: Settings) -> bool:
    """True when the node's database is PostgreSQL (several processes may serve it)."""
    return (settings.database_url or "").startswith("postgresql")


def check_workers(settings: Settings, workers: int) -> None:
    """Refuse several workers unless the node's database is PostgreSQL."""
    if workers < 1:
        raise SingleProcessOnly("--workers must be at least 1")
    if workers > 1 and not on_postgresql(settings):
        raise SingleProcessOnly(
            "several workers need PostgreSQL (CHUANYU_DATABASE_URL): a node on SQLite runs as "
            "one process; start it without --workers")


def serve(settings: Settings, *, host: str, port: int, workers: int = 1) -> None:
    """Serve the node on `host:port` with `workers` processes (migrations run first, once)."""
    import uvicorn

    from chuanyu.exchange import transport
    from chuanyu.main import create_app
    from chuanyu.node import open_node

    check_workers(settings, workers)
    options: dict[str, Any] = {"host": host, "port": port, "log_level": "warning",
                               **transport.serve_options(settings)}
    if workers == 1:
        uvicorn.run(create_app(settings), **options)
        return
    open_node(settings).close()  # migrate once, before any worker opens the database
    os.environ[SETTINGS_ENV] = settings.model_dump_json()
    uvicorn.run("chuanyu.serve:worker_app", factory=True, workers=workers, **options)


def worker_app() -> FastAPI:
    """The app of one worker process of `node serve --workers N` (a uvicorn factory)."""
    from chuanyu.main import create_app
    from chuanyu.node import open_node

    runtime.tune_garbage_collector()
    given = os.environ.get(SETTINGS_ENV)
    # Under another process manager (gunicorn) the settings come from the environment.
    settings = Settings.model_validate_json(given) if given else get_settings()
    return create_app(settings, open_node(settings, migrate=False))


def work(settings: Settings, stop: threading.Event | None = None) -> None:
    """Run the node's once-per-node work (relay, audit checkpoints, indexer, sweeps) in this
    process whenever it holds the node's leader lock, until SIGTERM / SIGINT (or `stop`)."""
    from chuanyu import duties
    from chuanyu.node import open_node

    node = open_node(settings)
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    stop_duties = duties.start(node, relay=True, tasks=True)
    try:
        while not stop.wait(1.0):
            pass
    finally:
        stop_duties()
        node.close()
