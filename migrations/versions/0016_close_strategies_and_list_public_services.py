"""Mark a strategy closed or in force, and list the public services the mechanism points to.

A closed strategy (its period over) gets no new monitoring round; every strategy stored so
far is in force. Public services are the phone lines, alerts and programmes of the
reference data.

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'public_service',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('name', sa.String(length=500), nullable=False),
        sa.Column('name_en', sa.String(length=500), nullable=True),
        sa.Column('number', sa.String(length=20), nullable=True),
        sa.Column('about', sa.String(length=500), nullable=False),
        sa.Column('about_en', sa.String(length=500), nullable=True),
        sa.Column('run_by_id', sa.Integer(), nullable=True),
        sa.Column('part_of', sa.String(length=40), nullable=True),
        sa.Column('for_children', sa.Boolean(), nullable=False),
        sa.Column('verify', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['run_by_id'], ['institution.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('public_service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_service_code'), ['code'], unique=True)
        batch_op.create_index(
            batch_op.f('ix_public_service_run_by_id'), ['run_by_id'], unique=False
        )
    with op.batch_alter_table('strategy', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('status', sa.String(length=16), nullable=False, server_default='in-force')
        )
    with op.batch_alter_table('strategy', schema=None) as batch_op:
        batch_op.alter_column('status', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('strategy', schema=None) as batch_op:
        batch_op.drop_column('status')
    with op.batch_alter_table('public_service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_service_run_by_id'))
        batch_op.drop_index(batch_op.f('ix_public_service_code'))
    op.drop_table('public_service')
