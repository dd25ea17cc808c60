"""registry snapshots: rows absent from a newer snapshot are marked, not deleted

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 07:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

FK_NAME = "fk_registry_vehicle_withdrawn_import_id"


def upgrade() -> None:
    with op.batch_alter_table("reference_import", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("snapshot", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("withdrawn", sa.Integer(), nullable=False, server_default="0")
        )

    with op.batch_alter_table("registry_vehicle", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_import_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(FK_NAME, "reference_import", ["withdrawn_import_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("registry_vehicle", schema=None) as batch_op:
        batch_op.drop_constraint(FK_NAME, type_="foreignkey")
        batch_op.drop_column("withdrawn_import_id")

    with op.batch_alter_table("reference_import", schema=None) as batch_op:
        batch_op.drop_column("withdrawn")
        batch_op.drop_column("snapshot")
