"""Give institutions an English name and a short name for tables and charts.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("institution") as batch:
        batch.add_column(sa.Column("name_en", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("short_name", sa.String(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("institution") as batch:
        batch.drop_column("short_name")
        batch.drop_column("name_en")
