"""Audit entries name whose personal data a message carried and on what ground.

Revision ID: core_0006
Revises: core_0005
Create Date: 2026-12-05
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "core_0006"
down_revision: str | Sequence[str] | None = "core_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("exchange_audit") as batch:
        batch.add_column(sa.Column("subject", sa.String(length=18), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("basis", sa.String(length=80), nullable=False,
                                   server_default=""))
        batch.create_index("ix_exchange_audit_subject", ["subject"])


def downgrade() -> None:
    with op.batch_alter_table("exchange_audit") as batch:
        batch.drop_index("ix_exchange_audit_subject")
        batch.drop_column("basis")
        batch.drop_column("subject")
