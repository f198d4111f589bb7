"""Alembic environment: the node's own database, every domain's tables."""

from __future__ import annotations

from alembic import context

from chuanyu import domains
from chuanyu.core.config import get_settings
from chuanyu.core.db import Base, make_engine

domains.load_models()
target_metadata = Base.metadata
config = context.config


def _run(connection: object) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Use the connection handed over by the node, or open the node's database from settings."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(get_settings())
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run against a node database")
run_migrations_online()
