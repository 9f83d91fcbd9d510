"""Add the recommendation tracker: sources, recommendations, their measures, owners, evidence.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.core.types

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('recommendation_source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('body', sa.String(length=10), nullable=False),
    sa.Column('cycle', sa.String(length=20), nullable=False),
    sa.Column('document', sa.String(length=300), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('reporting_on', sa.Date(), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('sample', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('recommendation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=61), nullable=False),
    sa.Column('text', sa.String(length=5000), nullable=False),
    sa.Column('summary_ro', sa.String(length=1000), nullable=False),
    sa.Column('strength', sa.String(length=12), nullable=False),
    sa.Column('theme', sa.String(length=20), nullable=False),
    sa.Column('pillar', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('lead_institution_id', sa.Integer(), nullable=False),
    sa.Column('created_at', models.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lead_institution_id'], ['institution.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['recommendation_source.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code'),
    sa.UniqueConstraint('source_id', 'ref')
    )
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendation_lead_institution_id'), ['lead_institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendation_source_id'), ['source_id'], unique=False)

    op.create_table('recommendation_contributor',
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], ),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendation.id'], ),
    sa.PrimaryKeyConstraint('recommendation_id', 'institution_id')
    )
    op.create_table('evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('answer_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('text', sa.String(length=5000), nullable=False),
    sa.Column('document', sa.String(length=300), nullable=False),
    sa.Column('given_at', models.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answer.id'], ),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], ),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], ),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('assignment_id')
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_recommendation_id'), ['recommendation_id'], unique=False)

    op.create_table('recommendation_measure',
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], ),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendation.id'], ),
    sa.PrimaryKeyConstraint('recommendation_id', 'measure_id')
    )
    with op.batch_alter_table('recommendation_measure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendation_measure_measure_id'), ['measure_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('recommendation_measure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendation_measure_measure_id'))

    op.drop_table('recommendation_measure')
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_recommendation_id'))

    op.drop_table('evidence')
    op.drop_table('recommendation_contributor')
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendation_source_id'))
        batch_op.drop_index(batch_op.f('ix_recommendation_lead_institution_id'))

    op.drop_table('recommendation')
    op.drop_table('recommendation_source')
