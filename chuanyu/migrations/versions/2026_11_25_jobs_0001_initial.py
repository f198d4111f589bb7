"""Jobs: employers, postings and the search-index queue.

Revision ID: jobs_0001
Revises:
Create Date: 2026-11-25
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "jobs_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("jobs",)
depends_on: str | Sequence[str] | None = "core_0001"


def upgrade() -> None:
    op.create_table(
        "jobs_employer",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("industry_code", sa.String(length=1), nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs_employer")),
        sa.UniqueConstraint("uscc", name=op.f("uq_jobs_employer_uscc")),
    )
    op.create_table(
        "jobs_posting",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.Column("employer_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("occupation_code", sa.String(length=16), nullable=False),
        sa.Column("industry_code", sa.String(length=1), nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.Column("salary_min", sa.Numeric(12, 2), nullable=False),
        sa.Column("salary_max", sa.Numeric(12, 2), nullable=False),
        sa.Column("education", sa.String(length=16), nullable=False),
        sa.Column("experience", sa.String(length=16), nullable=False),
        sa.Column("employment_type", sa.String(length=16), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("benefits", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("contact_name", sa.String(length=50), nullable=False),
        sa.Column("contact_phone", sa.String(length=30), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["jobs_employer.id"],
            name=op.f("fk_jobs_posting_employer_id_jobs_employer"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs_posting")),
    )
    op.create_index("ix_jobs_posting_due", "jobs_posting", ["origin", "status", "valid_to"])
    op.create_index(op.f("ix_jobs_posting_employer_id"), "jobs_posting", ["employer_id"])
    op.create_table(
        "jobs_index_queue",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True, nullable=False,
        ),
        sa.Column("posting_id", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs_index_queue")),
    )


def downgrade() -> None:
    op.drop_table("jobs_index_queue")
    op.drop_index(op.f("ix_jobs_posting_employer_id"), table_name="jobs_posting")
    op.drop_index("ix_jobs_posting_due", table_name="jobs_posting")
    op.drop_table("jobs_posting")
    op.drop_table("jobs_employer")
