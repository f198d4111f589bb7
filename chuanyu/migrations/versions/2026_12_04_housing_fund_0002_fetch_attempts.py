"""Housing fund: the lender's certificate fetch attempts (idempotency key, count, outcome).

Revision ID: housing_fund_0002
Revises: housing_fund_0001
Create Date: 2026-12-04
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "housing_fund_0002"
down_revision: str | Sequence[str] | None = "housing_fund_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("housing_fund_application") as batch:
        batch.add_column(sa.Column("fetch_key", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("fetch_attempts", sa.Integer(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("fetch_outcome", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("fetch_attempted_at", sa.DateTime(timezone=True),
                                   nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("housing_fund_application") as batch:
        batch.drop_column("fetch_attempted_at")
        batch.drop_column("fetch_outcome")
        batch.drop_column("fetch_attempts")
        batch.drop_column("fetch_key")
