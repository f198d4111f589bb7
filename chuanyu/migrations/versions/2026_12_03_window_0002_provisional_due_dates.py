"""Service window: provisional due dates and the due-date changes of each case.

Revision ID: window_0002
Revises: window_0001
Create Date: 2026-12-03
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "window_0002"
down_revision: str | Sequence[str] | None = "window_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("window_case") as batch:
        batch.add_column(
            sa.Column("due_provisional", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "window_due_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("old_due_date", sa.Date(), nullable=False),
        sa.Column("new_due_date", sa.Date(), nullable=False),
        sa.Column("old_provisional", sa.Boolean(), nullable=False),
        sa.Column("new_provisional", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["window_case.id"],
                                name=op.f("fk_window_due_change_case_id_window_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_window_due_change")),
    )
    op.create_index(op.f("ix_window_due_change_case_id"), "window_due_change", ["case_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_window_due_change_case_id"), table_name="window_due_change")
    op.drop_table("window_due_change")
    with op.batch_alter_table("window_case") as batch:
        batch.drop_column("due_provisional")
