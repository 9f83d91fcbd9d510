"""Key a partner's requests on its login: two logins of one authority are two partners.

Requests registered before have no login and are no partner's to read over the API.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('cooperation_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partner_login', sa.String(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cooperation_request', schema=None) as batch_op:
        batch_op.drop_column('partner_login')
