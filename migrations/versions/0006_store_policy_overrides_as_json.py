"""Store an assignment's reminder policy override as JSON, validated once when it is set.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assignment") as batch:
        batch.alter_column(
            "policy_override",
            existing_type=sa.String(length=1000),
            type_=sa.JSON(),
            existing_nullable=True,
            postgresql_using="policy_override::json",
        )


def downgrade() -> None:
    with op.batch_alter_table("assignment") as batch:
        batch.alter_column(
            "policy_override",
            existing_type=sa.JSON(),
            type_=sa.String(length=1000),
            existing_nullable=True,
            postgresql_using="policy_override::text",
        )
