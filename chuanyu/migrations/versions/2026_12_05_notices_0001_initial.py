"""Notices: the message centre, the outbound delivery outbox and contact addresses.

Revision ID: notices_0001
Revises:
Create Date: 2026-12-05
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "notices_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("notices",)
depends_on: str | Sequence[str] | None = "core_0001"


def upgrade() -> None:
    op.create_table(
        "notices_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=True),
        sa.Column("dedup_key", sa.String(length=160), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices_notice")),
        sa.UniqueConstraint("recipient", "dedup_key",
                            name=op.f("uq_notices_notice_recipient_dedup_key")),
    )
    op.create_index(op.f("ix_notices_notice_recipient"), "notices_notice", ["recipient"])
    op.create_index(op.f("ix_notices_notice_created_at"), "notices_notice", ["created_at"])
    op.create_table(
        "notices_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["notice_id"], ["notices_notice.id"],
                                name=op.f("fk_notices_delivery_notice_id_notices_notice")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices_delivery")),
    )
    op.create_index(op.f("ix_notices_delivery_notice_id"), "notices_delivery", ["notice_id"])
    op.create_index(op.f("ix_notices_delivery_status"), "notices_delivery", ["status"])
    op.create_index(op.f("ix_notices_delivery_next_attempt_at"), "notices_delivery",
                    ["next_attempt_at"])
    op.create_table(
        "notices_contact",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["core_user.id"],
                                name=op.f("fk_notices_contact_user_id_core_user"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notices_contact")),
    )


def downgrade() -> None:
    op.drop_table("notices_contact")
    op.drop_index(op.f("ix_notices_delivery_next_attempt_at"), table_name="notices_delivery")
    op.drop_index(op.f("ix_notices_delivery_status"), table_name="notices_delivery")
    op.drop_index(op.f("ix_notices_delivery_notice_id"), table_name="notices_delivery")
    op.drop_table("notices_delivery")
    op.drop_index(op.f("ix_notices_notice_created_at"), table_name="notices_notice")
    op.drop_index(op.f("ix_notices_notice_recipient"), table_name="notices_notice")
    op.drop_table("notices_notice")
