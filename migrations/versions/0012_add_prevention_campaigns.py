"""Add prevention campaigns, their activities and the HelpLine's monthly figures.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.core.types

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('helpline_month',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('topic', sa.String(length=20), nullable=False),
    sa.Column('county', sa.String(length=3), nullable=False),
    sa.Column('calls', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('month', 'topic', 'county')
    )
    with op.batch_alter_table('helpline_month', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_helpline_month_month'), ['month'], unique=False)

    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('title_ro', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('forms', sa.JSON(), nullable=False),
    sa.Column('target_groups', sa.JSON(), nullable=False),
    sa.Column('channels', sa.JSON(), nullable=False),
    sa.Column('counties', sa.JSON(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('lead_institution_id', sa.Integer(), nullable=False),
    sa.Column('targets', sa.JSON(), nullable=False),
    sa.Column('sample', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', models.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lead_institution_id'], ['institution.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('campaign_participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('campaign_id', 'institution_id')
    )
    with op.batch_alter_table('campaign_participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_participant_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('campaign_activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('county', sa.String(length=3), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('target_group', sa.String(length=20), nullable=False),
    sa.Column('form', sa.String(length=12), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('reach', sa.Integer(), nullable=False),
    sa.Column('materials', sa.Integer(), nullable=False),
    sa.Column('partner', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['answer_id'], ['answer.id'], ),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], ),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('assignment_id', 'row')
    )
    with op.batch_alter_table('campaign_activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_activity_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_activity_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('campaign_measure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('campaign_id', 'measure_id')
    )
    with op.batch_alter_table('campaign_measure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_measure_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_measure_measure_id'), ['measure_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('campaign_measure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_measure_measure_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_measure_campaign_id'))

    op.drop_table('campaign_measure')
    with op.batch_alter_table('campaign_activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_activity_campaign_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_activity_assignment_id'))

    op.drop_table('campaign_activity')
    with op.batch_alter_table('campaign_participant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_participant_campaign_id'))

    op.drop_table('campaign_participant')
    op.drop_table('campaign')
    with op.batch_alter_table('helpline_month', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_helpline_month_month'))

    op.drop_table('helpline_month')
