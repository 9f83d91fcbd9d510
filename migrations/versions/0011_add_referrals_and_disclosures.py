"""Add victim referrals and the log of every disclosure of one.

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.core.types

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=60), nullable=False),
    sa.Column('notified_by_id', sa.Integer(), nullable=False),
    sa.Column('receiving_id', sa.Integer(), nullable=False),
    sa.Column('county', sa.String(length=3), nullable=False),
    sa.Column('child', sa.Boolean(), nullable=False),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('consent_override_by_id', sa.Integer(), nullable=True),
    sa.Column('override_note', sa.String(length=500), nullable=True),
    sa.Column('exploitation', sa.String(length=12), nullable=False),
    sa.Column('identified_at', models.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('referred_at', models.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('emergency_due_at', models.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reflection_ends_at', models.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('rejection_reason', sa.String(length=20), nullable=True),
    sa.Column('created_at', models.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', models.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['consent_override_by_id'], ['institution.id'], ),
    sa.ForeignKeyConstraint(['notified_by_id'], ['institution.id'], ),
    sa.ForeignKeyConstraint(['receiving_id'], ['institution.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reference')
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_emergency_due_at'), ['emergency_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_receiving_id'), ['receiving_id'], unique=False)

    op.create_table('disclosure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('disclosed_at', models.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('flow_run_id', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], ),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('referral_id', 'institution_id', 'purpose')
    )
    with op.batch_alter_table('disclosure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_referral_id'), ['referral_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('disclosure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosure_referral_id'))

    op.drop_table('disclosure')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_receiving_id'))
        batch_op.drop_index(batch_op.f('ix_referral_emergency_due_at'))

    op.drop_table('referral')
