"""Server-side browser sessions: logout, password and role changes end them.

Revision ID: core_0003
Revises: core_0002
Create Date: 2026-12-03
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "core_0003"
down_revision: str | Sequence[str] | None = "core_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "core_web_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("sid_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["core_user.id"],
                                name=op.f("fk_core_web_session_user_id_core_user"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_web_session")),
        sa.UniqueConstraint("sid_digest", name=op.f("uq_core_web_session_sid_digest")),
    )
    op.create_index(op.f("ix_core_web_session_user_id"), "core_web_session", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_core_web_session_user_id"), table_name="core_web_session")
    op.drop_table("core_web_session")
