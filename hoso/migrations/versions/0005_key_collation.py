"""lookup keys in the "C" collation on PostgreSQL (their indexes sort by bytes)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 15:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

KEYS = {
    "registry_vehicle": {
        "registry_id": 100, "plate_key": 40, "chassis_key": 60, "engine_key": 120,
        "owner_id_key": 40,
    },
    "population_person": {"id_number": 20, "name_key": 200},
}  # fmt: skip


def _collate(collation: str | None) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite compares bytes already
    for table, columns in KEYS.items():
        with op.batch_alter_table(table) as batch_op:
            for column, length in columns.items():
                batch_op.alter_column(
                    column,
                    existing_type=sa.String(length),
                    type_=sa.String(length, collation=collation),
                )


def upgrade() -> None:
    _collate("C")


def downgrade() -> None:
    _collate(None)
