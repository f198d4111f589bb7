"""Idempotency keys: answers of state-changing exchange services and of creating API requests.

Revision ID: core_0005
Revises: core_0004
Create Date: 2026-12-04
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "core_0005"
down_revision: str | Sequence[str] | None = "core_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exchange_idempotent_call",
        sa.Column("caller", sa.String(length=8), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("request_digest", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("caller", "service", "key",
                                name=op.f("pk_exchange_idempotent_call")),
    )
    op.create_index(op.f("ix_exchange_idempotent_call_created_at"), "exchange_idempotent_call",
                    ["created_at"])
    op.create_table(
        "core_idempotent_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_digest", sa.String(length=64), nullable=False),
        sa.Column("route", sa.String(length=255), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.LargeBinary(), nullable=True),
        sa.Column("content_type", sa.String(length=128), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["core_user.id"], ondelete="CASCADE",
                                name=op.f("fk_core_idempotent_request_user_id_core_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_idempotent_request")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_core_idempotent_request_user_id_key")),
    )
    op.create_index(op.f("ix_core_idempotent_request_expires_at"), "core_idempotent_request",
                    ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_core_idempotent_request_expires_at"),
                  table_name="core_idempotent_request")
    op.drop_table("core_idempotent_request")
    op.drop_index(op.f("ix_exchange_idempotent_call_created_at"),
                  table_name="exchange_idempotent_call")
    op.drop_table("exchange_idempotent_call")
