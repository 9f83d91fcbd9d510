"""Index only the outbox's waiting and leased messages, not every message by state.

The claim walks waiting messages in id order and looks for leases that ran out by their
age. The old index on (state, next_attempt_at) held an entry for every message ever sent,
and on PostgreSQL every claim visited the entries its sent messages had left behind.

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WAITING = sa.text("state IN ('queued', 'failed')")
LEASED = sa.text("state = 'sending'")


def upgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_state_next_attempt")
        batch_op.create_index(
            "ix_outbox_waiting", ["id"], postgresql_where=WAITING, sqlite_where=WAITING
        )
        batch_op.create_index(
            "ix_outbox_leased", ["id"], postgresql_where=LEASED, sqlite_where=LEASED
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_leased")
        batch_op.drop_index("ix_outbox_waiting")
        batch_op.create_index("ix_outbox_state_next_attempt", ["state", "next_attempt_at"])
