"""Business registration: issued licences.

Revision ID: registry_0001
Revises:
Create Date: 2026-11-25
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "registry_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("registry",)
depends_on: str | Sequence[str] | None = "core_0001"


def upgrade() -> None:
    op.create_table(
        "registry_licence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("name_key", sa.String(length=120), nullable=False),
        sa.Column("enterprise_type", sa.String(length=40), nullable=False),
        sa.Column("legal_representative", sa.String(length=60), nullable=False),
        sa.Column("legal_representative_id", sa.String(length=18), nullable=False),
        sa.Column("registered_capital", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("business_scope", sa.Text(), nullable=False),
        sa.Column("investors", sa.JSON(), nullable=False),
        sa.Column("established_date", sa.Date(), nullable=False),
        sa.Column("operating_from", sa.Date(), nullable=False),
        sa.Column("operating_until", sa.Date(), nullable=True),
        sa.Column("domicile", sa.String(length=200), nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.Column("authority_name", sa.String(length=80), nullable=False),
        sa.Column("authority_division_code", sa.String(length=6), nullable=False),
        sa.Column("issuer_member", sa.String(length=8), nullable=False),
        sa.Column("issued_date", sa.Date(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=True),
        sa.Column("received_member", sa.String(length=8), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoke_reason", sa.String(length=500), nullable=True),
        sa.Column("revoked_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_licence")),
        sa.UniqueConstraint("uscc", name=op.f("uq_registry_licence_uscc")),
        sa.UniqueConstraint("name_key", name=op.f("uq_registry_licence_name_key")),
    )
    op.create_index(
        op.f("ix_registry_licence_issued_at"), "registry_licence", ["issued_at"], unique=False
    )
    op.create_index(
        op.f("ix_registry_licence_case_number"), "registry_licence", ["case_number"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_registry_licence_case_number"), table_name="registry_licence")
    op.drop_index(op.f("ix_registry_licence_issued_at"), table_name="registry_licence")
    op.drop_table("registry_licence")
