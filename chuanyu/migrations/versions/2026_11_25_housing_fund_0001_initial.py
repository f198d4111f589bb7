"""Housing fund: depositor accounts, monthly deposits, consents honoured, certificates, loans.

Revision ID: housing_fund_0001
Revises:
Create Date: 2026-11-25
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "housing_fund_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("housing_fund",)
depends_on: str | Sequence[str] | None = "core_0001"

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "housing_fund_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_no", sa.String(length=20), nullable=False),
        sa.Column("resident_id", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("employer_uscc", sa.String(length=18), nullable=False),
        sa.Column("employer_name", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_date", sa.Date(), nullable=False),
        sa.Column("deposit_base", sa.BigInteger(), nullable=False),
        sa.Column("employee_rate", sa.Integer(), nullable=False),
        sa.Column("employer_rate", sa.Integer(), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("outstanding_loans", sa.Integer(), nullable=False),
        sa.Column("settled_loans", sa.Integer(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housing_fund_account")),
        sa.UniqueConstraint("account_no", name=op.f("uq_housing_fund_account_account_no")),
        sa.UniqueConstraint("resident_id", name=op.f("uq_housing_fund_account_resident_id")),
    )
    op.create_table(
        "housing_fund_deposit",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["housing_fund_account.id"], ondelete="CASCADE",
            name=op.f("fk_housing_fund_deposit_account_id_housing_fund_account"),
        ),
        sa.PrimaryKeyConstraint("account_id", "month", name=op.f("pk_housing_fund_deposit")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "housing_fund_consent_use",
        sa.Column("consent_id", sa.String(length=32), nullable=False),
        sa.Column("lending_member", sa.String(length=8), nullable=False),
        sa.Column("resident_id", sa.String(length=18), nullable=False),
        sa.Column("used_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("consent_id", name=op.f("pk_housing_fund_consent_use")),
    )
    op.create_table(
        "housing_fund_issued_certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certificate_no", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("lending_member", sa.String(length=8), nullable=False),
        sa.Column("consent_id", sa.String(length=32), nullable=False),
        sa.Column("application_no", sa.String(length=40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("issued_at", TZ, nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["housing_fund_account.id"], ondelete="CASCADE",
            name=op.f("fk_housing_fund_issued_certificate_account_id_housing_fund_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housing_fund_issued_certificate")),
        sa.UniqueConstraint(
            "certificate_no", name=op.f("uq_housing_fund_issued_certificate_certificate_no")
        ),
    )
    op.create_index(
        op.f("ix_housing_fund_issued_certificate_account_id"),
        "housing_fund_issued_certificate", ["account_id"],
    )
    op.create_index(
        "ix_housing_fund_issued_certificate_issued_at",
        "housing_fund_issued_certificate", ["issued_at"],
    )
    op.create_table(
        "housing_fund_application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_no", sa.String(length=40), nullable=False),
        sa.Column("resident_id", sa.String(length=18), nullable=False),
        sa.Column("applicant_name", sa.String(length=64), nullable=False),
        sa.Column("depositing_member", sa.String(length=8), nullable=False),
        sa.Column("consent_id", sa.String(length=32), nullable=False),
        sa.Column("consent_token", sa.Text(), nullable=False),
        sa.Column("consent_expires_at", TZ, nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("term_years", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("home", sa.String(length=16), nullable=False),
        sa.Column("property_kind", sa.String(length=16), nullable=False),
        sa.Column("property_price", sa.BigInteger(), nullable=False),
        sa.Column("building_age_years", sa.Integer(), nullable=False),
        sa.Column("monthly_income", sa.BigInteger(), nullable=False),
        sa.Column("with_spouse", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("refusal_code", sa.String(length=40), nullable=True),
        sa.Column("refusal_detail", sa.Text(), nullable=True),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("certificate_no", sa.String(length=40), nullable=True),
        sa.Column("certificate_body", sa.Text(), nullable=True),
        sa.Column("certificate_signature", sa.String(length=128), nullable=True),
        sa.Column("certificate_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("certificate_verified", sa.Boolean(), nullable=True),
        sa.Column("certificate_received_at", TZ, nullable=True),
        sa.Column("decided_at", TZ, nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("outcomes", sa.Text(), nullable=True),
        sa.Column("max_amount", sa.BigInteger(), nullable=True),
        sa.Column("max_term_years", sa.Integer(), nullable=True),
        sa.Column("annual_rate", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housing_fund_application")),
        sa.UniqueConstraint(
            "application_no", name=op.f("uq_housing_fund_application_application_no")
        ),
        sa.UniqueConstraint("consent_id", name=op.f("uq_housing_fund_application_consent_id")),
    )
    op.create_index(
        op.f("ix_housing_fund_application_resident_id"), "housing_fund_application",
        ["resident_id"],
    )
    op.create_index(
        op.f("ix_housing_fund_application_status"), "housing_fund_application", ["status"]
    )
    op.create_index(
        "ix_housing_fund_application_created_at", "housing_fund_application", ["created_at"]
    )


def downgrade() -> None:
    op.drop_table("housing_fund_application")
    op.drop_table("housing_fund_issued_certificate")
    op.drop_table("housing_fund_consent_use")
    op.drop_table("housing_fund_deposit")
    op.drop_table("housing_fund_account")
