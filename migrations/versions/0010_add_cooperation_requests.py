"""Add cross-border cooperation requests and the legal clocks each runs against.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.core.types

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('cooperation_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=60), nullable=False),
    sa.Column('direction', sa.String(length=8), nullable=False),
    sa.Column('instrument', sa.String(length=10), nullable=False),
    sa.Column('partner_country', sa.String(length=2), nullable=False),
    sa.Column('partner_authority', sa.String(length=200), nullable=False),
    sa.Column('partner_email', sa.String(length=254), nullable=True),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('started_at', models.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', models.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', models.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', models.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reference')
    )
    with op.batch_alter_table('cooperation_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cooperation_request_institution_id'), ['institution_id'], unique=False)

    op.create_table('request_clock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('clock_code', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('started_at', models.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('due_at', models.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('nominal_end', sa.Date(), nullable=True),
    sa.Column('extensions_used', sa.Integer(), nullable=False),
    sa.Column('met_at', models.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], ),
    sa.ForeignKeyConstraint(['request_id'], ['cooperation_request.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('request_id', 'clock_code')
    )
    with op.batch_alter_table('request_clock', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_clock_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_request_clock_request_id'), ['request_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('request_clock', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_clock_request_id'))
        batch_op.drop_index(batch_op.f('ix_request_clock_due_at'))

    op.drop_table('request_clock')
    with op.batch_alter_table('cooperation_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cooperation_request_institution_id'))

    op.drop_table('cooperation_request')
