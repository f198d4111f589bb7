"""Core and exchange tables: accounts, tokens, outbox, inbox, replay store, audit log.

Revision ID: core_0001
Revises:
Create Date: 2026-11-25
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "core_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("core",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('exchange_probe',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('producer', sa.String(length=8), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_probe'))
    )
    op.create_table('core_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=128), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('roles', sa.String(length=256), nullable=False),
    sa.Column('subject_id', sa.String(length=32), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_user')),
    sa.UniqueConstraint('username', name=op.f('uq_core_user_username'))
    )
    op.create_table('exchange_audit',
    sa.Column('position', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('direction', sa.String(length=8), nullable=False),
    sa.Column('peer', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('message_id', sa.String(length=64), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('position', name=op.f('pk_exchange_audit'))
    )
    op.create_table('exchange_audit_checkpoint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('signature', sa.String(length=128), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_audit_checkpoint')),
    sa.UniqueConstraint('position', name=op.f('uq_exchange_audit_checkpoint_position'))
    )
    op.create_table('exchange_audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('checkpointed_position', sa.BigInteger(), nullable=False),
    sa.Column('checkpointed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_audit_head'))
    )
    op.create_table('exchange_delivery',
    sa.Column('subscriber', sa.String(length=8), nullable=False),
    sa.Column('stream', sa.String(length=64), nullable=False),
    sa.Column('acked_seq', sa.BigInteger(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('subscriber', 'stream', name=op.f('pk_exchange_delivery'))
    )
    op.create_table('exchange_inbox_cursor',
    sa.Column('producer', sa.String(length=8), nullable=False),
    sa.Column('stream', sa.String(length=64), nullable=False),
    sa.Column('applied_seq', sa.BigInteger(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('producer', 'stream', name=op.f('pk_exchange_inbox_cursor'))
    )
    op.create_table('exchange_inbox_held',
    sa.Column('producer', sa.String(length=8), nullable=False),
    sa.Column('stream', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('event_type', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('producer', 'stream', 'seq', name=op.f('pk_exchange_inbox_held'))
    )
    op.create_table('exchange_outbox',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('stream', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('event_type', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_outbox')),
    sa.UniqueConstraint('stream', 'seq', name=op.f('uq_exchange_outbox_stream_seq'))
    )
    op.create_table('exchange_seen_message',
    sa.Column('sender', sa.String(length=8), nullable=False),
    sa.Column('message_id', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sender', 'message_id', name=op.f('pk_exchange_seen_message'))
    )
    op.create_index(op.f('ix_exchange_seen_message_expires_at'), 'exchange_seen_message', ['expires_at'], unique=False)
    op.create_table('exchange_stream_head',
    sa.Column('stream', sa.String(length=64), nullable=False),
    sa.Column('last_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('stream', name=op.f('pk_exchange_stream_head'))
    )
    op.create_table('core_api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['core_user.id'], name=op.f('fk_core_api_token_user_id_core_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_api_token')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_core_api_token_token_digest'))
    )
    op.create_index(op.f('ix_core_api_token_user_id'), 'core_api_token', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_table('exchange_probe')
    op.drop_index(op.f('ix_core_api_token_user_id'), table_name='core_api_token')
    op.drop_table('core_api_token')
    op.drop_table('exchange_stream_head')
    op.drop_index(op.f('ix_exchange_seen_message_expires_at'), table_name='exchange_seen_message')
    op.drop_table('exchange_seen_message')
    op.drop_table('exchange_outbox')
    op.drop_table('exchange_inbox_held')
    op.drop_table('exchange_inbox_cursor')
    op.drop_table('exchange_delivery')
    op.drop_table('exchange_audit_head')
    op.drop_table('exchange_audit_checkpoint')
    op.drop_table('exchange_audit')
    op.drop_table('core_user')
