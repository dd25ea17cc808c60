"""fields keep the confidence extraction gave them beside the one the dossier's evidence gives

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 09:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("field", schema=None) as batch_op:
        batch_op.add_column(sa.Column("extracted_confidence", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("field", schema=None) as batch_op:
        batch_op.drop_column("extracted_confidence")
