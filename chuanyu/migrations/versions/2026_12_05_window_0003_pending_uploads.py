"""Service window: files uploaded for a supplement request and not yet submitted.

Revision ID: window_0003
Revises: window_0002
Create Date: 2026-12-05
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "window_0003"
down_revision: str | Sequence[str] | None = "window_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "window_pending_upload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("material_code", sa.String(length=40), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["window_case.id"],
                                name=op.f("fk_window_pending_upload_case_id_window_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_window_pending_upload")),
        sa.UniqueConstraint("case_id", "material_code", "sha256",
                            name=op.f("uq_window_pending_upload_case_id_material_code_sha256")),
    )
    op.create_index(
        op.f("ix_window_pending_upload_case_id"), "window_pending_upload", ["case_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_window_pending_upload_case_id"), table_name="window_pending_upload")
    op.drop_table("window_pending_upload")
