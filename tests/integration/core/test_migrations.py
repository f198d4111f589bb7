"""Migrations and models agree, on SQLite and PostgreSQL (what `alembic check` verifies)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from chuanyu import domains
from chuanyu.core.db import Base
from tests.conftest import Db


def test_migrated_schema_matches_the_models(db: Db) -> None:
    domains.load_models()
    with db.node.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"
