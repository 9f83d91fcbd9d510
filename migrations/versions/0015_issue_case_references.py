"""Issue case references and keep the sender's own file number apart.

A request's or referral's reference is now issued by Concord (RO-EIO-2026-00042); the
reference the sender gave, which every case had until now, moves to sender_reference.

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CASES = ('cooperation_request', 'referral')


def upgrade() -> None:
    op.create_table(
        'case_sequence',
        sa.Column('prefix', sa.String(length=40), nullable=False),
        sa.Column('last', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('prefix'),
    )
    for table in CASES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('sender_reference', sa.String(length=60), nullable=True))
            batch_op.create_unique_constraint(f'uq_{table}_sender_reference', ['sender_reference'])
        op.execute(f'UPDATE {table} SET sender_reference = reference')


def downgrade() -> None:
    for table in CASES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f'uq_{table}_sender_reference', type_='unique')
            batch_op.drop_column('sender_reference')
    op.drop_table('case_sequence')
