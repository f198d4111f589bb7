"""Cooperation ledger: entries, their parties and tags, reported figures.

Revision ID: ledger_0001
Revises:
Create Date: 2026-11-25
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ledger_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("ledger",)
depends_on: str | Sequence[str] | None = "core_0001"


def upgrade() -> None:
    op.create_table(
        "ledger_entry",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("date_precision", sa.String(length=8), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=True),
        sa.Column("no_later_than_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("qualifiers", sa.JSON(), nullable=False),
        sa.Column("group_key", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entry")),
    )
    op.create_index(op.f("ix_ledger_entry_owner"), "ledger_entry", ["owner"])
    op.create_index(op.f("ix_ledger_entry_kind"), "ledger_entry", ["kind"])
    op.create_index(op.f("ix_ledger_entry_event_date"), "ledger_entry", ["event_date"])
    op.create_index(op.f("ix_ledger_entry_group_key"), "ledger_entry", ["group_key"])
    op.create_table(
        "ledger_entry_party",
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("party_code", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["ledger_entry.id"],
            name=op.f("fk_ledger_entry_party_entry_id_ledger_entry"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", "position", name=op.f("pk_ledger_entry_party")),
    )
    op.create_index(
        op.f("ix_ledger_entry_party_party_code"), "ledger_entry_party", ["party_code"]
    )
    op.create_table(
        "ledger_entry_tag",
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["ledger_entry.id"],
            name=op.f("fk_ledger_entry_tag_entry_id_ledger_entry"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", "tag", name=op.f("pk_ledger_entry_tag")),
    )
    op.create_index(op.f("ix_ledger_entry_tag_tag"), "ledger_entry_tag", ["tag"])
    op.create_table(
        "ledger_figure",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("owner", sa.String(length=8), nullable=False),
        sa.Column("metric", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("as_of_date", sa.Date(), nullable=False),
        sa.Column("qualifier", sa.String(length=8), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_figure")),
    )
    op.create_index(op.f("ix_ledger_figure_metric"), "ledger_figure", ["metric"])


def downgrade() -> None:
    op.drop_index(op.f("ix_ledger_figure_metric"), table_name="ledger_figure")
    op.drop_table("ledger_figure")
    op.drop_index(op.f("ix_ledger_entry_tag_tag"), table_name="ledger_entry_tag")
    op.drop_table("ledger_entry_tag")
    op.drop_index(op.f("ix_ledger_entry_party_party_code"), table_name="ledger_entry_party")
    op.drop_table("ledger_entry_party")
    for name in ("group_key", "event_date", "kind", "owner"):
        op.drop_index(op.f(f"ix_ledger_entry_{name}"), table_name="ledger_entry")
    op.drop_table("ledger_entry")
