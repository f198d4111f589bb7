"""Housing fund: consents issued by the depositor's home centre; the lender's consent id waits.

The lending centre no longer signs consents: the table of consents it honoured gives way to the
home centre's consents, and an application's consent id is empty until the home centre issues
one.

Revision ID: housing_fund_0003
Revises: housing_fund_0002
Create Date: 2026-12-05
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "housing_fund_0003"
down_revision: str | Sequence[str] | None = "housing_fund_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "housing_fund_consent",
        sa.Column("consent_id", sa.String(length=32), nullable=False),
        sa.Column("request_id", sa.String(length=32), nullable=False),
        sa.Column("resident_id", sa.String(length=18), nullable=False),
        sa.Column("requesting_member", sa.String(length=8), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("application_no", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("issued_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("used_at", TZ, nullable=True),
        sa.Column("revoked_at", TZ, nullable=True),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("consent_id", name=op.f("pk_housing_fund_consent")),
        sa.UniqueConstraint("request_id", name=op.f("uq_housing_fund_consent_request_id")),
    )
    op.create_index(op.f("ix_housing_fund_consent_resident_id"), "housing_fund_consent",
                    ["resident_id"])
    op.drop_table("housing_fund_consent_use")
    with op.batch_alter_table("housing_fund_application") as batch:
        batch.alter_column("consent_id", existing_type=sa.String(length=32), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM housing_fund_application WHERE consent_id IS NULL")
    with op.batch_alter_table("housing_fund_application") as batch:
        batch.alter_column("consent_id", existing_type=sa.String(length=32), nullable=False)
    op.create_table(
        "housing_fund_consent_use",
        sa.Column("consent_id", sa.String(length=32), nullable=False),
        sa.Column("lending_member", sa.String(length=8), nullable=False),
        sa.Column("resident_id", sa.String(length=18), nullable=False),
        sa.Column("used_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("consent_id", name=op.f("pk_housing_fund_consent_use")),
    )
    op.drop_index(op.f("ix_housing_fund_consent_resident_id"), table_name="housing_fund_consent")
    op.drop_table("housing_fund_consent")
