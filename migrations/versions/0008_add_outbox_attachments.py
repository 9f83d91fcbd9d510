"""Keep the files an email carries (a report's PDF and workbook) beside it in the outbox.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_key", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["message_key"], ["outbox_message.key"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_key", "name"),
    )
    op.create_index(
        op.f("ix_outbox_attachment_message_key"), "outbox_attachment", ["message_key"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_outbox_attachment_message_key"), table_name="outbox_attachment")
    op.drop_table("outbox_attachment")
