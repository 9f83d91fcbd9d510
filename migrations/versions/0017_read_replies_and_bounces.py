"""Read replies and bounces: the mailbox's messages, their files, and contacts that bounce.

Each email sent keeps its Message-ID's local part (`message_ref`), so a reply's In-Reply-To
finds it, and the signed address replies go to (`reply_to`). A contact whose mail bounced
for good carries since when and why; `confirmed_at` is when its institution last confirmed it.

Revision ID: 0017
Revises: 0016
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.core.types import UTCDateTime

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _create_inbound_tables() -> None:
    op.create_table(
        'inbound_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.String(length=300), nullable=False),
        sa.Column('received_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('source', sa.String(length=8), nullable=False),
        sa.Column('sender', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('matched_by', sa.String(length=8), nullable=True),
        sa.Column('assignment_id', sa.Integer(), nullable=True),
        sa.Column('institution_id', sa.Integer(), nullable=True),
        sa.Column('outbox_key', sa.String(length=200), nullable=True),
        sa.Column('text', sa.Text(), nullable=True),
        sa.Column('note', sa.String(length=300), nullable=True),
        sa.Column('reply_key', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id']),
        sa.ForeignKeyConstraint(['institution_id'], ['institution.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('message_id'),
    )
    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        for column in ('assignment_id', 'institution_id', 'outcome'):
            batch_op.create_index(batch_op.f(f'ix_inbound_message_{column}'), [column])
    op.create_table(
        'inbound_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('inbound_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['inbound_id'], ['inbound_message.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('inbound_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_file_inbound_id'), ['inbound_id'])


def _fill_message_refs() -> None:
    """Give every email already queued its Message-ID's local part, a thousand at a time."""
    conn = op.get_bind()
    outbox = sa.table('outbox_message', sa.column('id'), sa.column('key'), sa.column('message_ref'))
    pending = sa.select(outbox.c.id, outbox.c.key).where(outbox.c.message_ref.is_(None)).limit(1000)
    fill = outbox.update().where(outbox.c.id == sa.bindparam('row_id'))
    while rows := conn.execute(pending).all():
        refs = [
            {'row_id': id_, 'message_ref': hashlib.sha256(key.encode()).hexdigest()[:32]}
            for id_, key in rows
        ]
        conn.execute(fill.values(message_ref=sa.bindparam('message_ref')), refs)


def upgrade() -> None:
    _create_inbound_tables()
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failing_since', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failure', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('confirmed_at', UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_to', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('message_ref', sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_message_message_ref'), ['message_ref'])
    _fill_message_refs()


def downgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_message_ref'))
        batch_op.drop_column('message_ref')
        batch_op.drop_column('reply_to')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('failure')
        batch_op.drop_column('failing_since')
    op.drop_table('inbound_file')
    op.drop_table('inbound_message')
