"""The toy duty's table, on a branch of its own beside Concord's migrations.

Revision ID: toy_0001
Depends on: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "toy_0001"
down_revision = None
branch_labels = ("leaflets",)
depends_on = "0001"


def upgrade() -> None:
    op.create_table(
        "toy_leaflet_count",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("assignment_id", sa.Integer(), nullable=False, unique=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("boxes", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("toy_leaflet_count")
