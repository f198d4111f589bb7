"""Service window: matter catalogue, holiday schedules, cases, their events and files.

Revision ID: window_0001
Revises:
Create Date: 2026-11-25
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "window_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("window",)
depends_on: str | Sequence[str] | None = "core_0001"


def upgrade() -> None:
    op.create_table(
        "window_matter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("member", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("authority_name", sa.String(length=200), nullable=False),
        sa.Column("authority_division_code", sa.String(length=6), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("time_limit_days", sa.Integer(), nullable=False),
        sa.Column("limit_basis", sa.String(length=200), nullable=False),
        sa.Column("limit_verified", sa.Boolean(), nullable=False),
        sa.Column("officer_role", sa.String(length=32), nullable=False),
        sa.Column("payload_kind", sa.String(length=32), nullable=False),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("fees", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_window_matter")),
        sa.UniqueConstraint("code", name=op.f("uq_window_matter_code")),
    )
    op.create_index(op.f("ix_window_matter_member"), "window_matter", ["member"])
    op.create_table(
        "window_holiday_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("announcement", sa.String(length=200), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_window_holiday_schedule")),
        sa.UniqueConstraint("year", name=op.f("uq_window_holiday_schedule_year")),
    )
    op.create_table(
        "window_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("matter_code", sa.String(length=20), nullable=False),
        sa.Column("matter_name", sa.String(length=200), nullable=False),
        sa.Column("intake_member", sa.String(length=8), nullable=False),
        sa.Column("authority_member", sa.String(length=8), nullable=False),
        sa.Column("authority_name", sa.String(length=200), nullable=False),
        sa.Column("officer_role", sa.String(length=32), nullable=False),
        sa.Column("payload_kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("applicant_kind", sa.String(length=16), nullable=False),
        sa.Column("applicant_name", sa.String(length=200), nullable=False),
        sa.Column("applicant_id_number", sa.String(length=18), nullable=False),
        sa.Column("applicant_phone", sa.String(length=20), nullable=True),
        sa.Column("applicant_division_code", sa.String(length=6), nullable=True),
        sa.Column("application", sa.JSON(), nullable=True),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("received_date", sa.Date(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_by", sa.String(length=64), nullable=False),
        sa.Column("limit_days", sa.Integer(), nullable=False),
        sa.Column("used_days", sa.Integer(), nullable=False),
        sa.Column("running_since", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("paused_on", sa.Date(), nullable=True),
        sa.Column("finished_on", sa.Date(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_window_case")),
        sa.UniqueConstraint("case_number", name=op.f("uq_window_case_case_number")),
    )
    for column in ("matter_code", "intake_member", "authority_member", "status",
                   "applicant_id_number", "due_date"):
        op.create_index(op.f(f"ix_window_case_{column}"), "window_case", [column])
    op.create_table(
        "window_case_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=32), nullable=True),
        sa.Column("to_status", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("actor_name", sa.String(length=128), nullable=False),
        sa.Column("actor_role", sa.String(length=32), nullable=False),
        sa.Column("actor_member", sa.String(length=8), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["window_case.id"],
                                name=op.f("fk_window_case_event_case_id_window_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_window_case_event")),
        sa.UniqueConstraint("case_id", "seq", name=op.f("uq_window_case_event_case_id_seq")),
    )
    op.create_index(op.f("ix_window_case_event_case_id"), "window_case_event", ["case_id"])
    op.create_table(
        "window_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("material_code", sa.String(length=40), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["window_case.id"],
                                name=op.f("fk_window_attachment_case_id_window_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_window_attachment")),
        sa.UniqueConstraint("case_id", "sha256", "material_code",
                            name=op.f("uq_window_attachment_case_id_sha256_material_code")),
    )
    op.create_index(op.f("ix_window_attachment_case_id"), "window_attachment", ["case_id"])


def downgrade() -> None:
    op.drop_table("window_attachment")
    op.drop_table("window_case_event")
    op.drop_table("window_case")
    op.drop_table("window_holiday_schedule")
    op.drop_table("window_matter")
