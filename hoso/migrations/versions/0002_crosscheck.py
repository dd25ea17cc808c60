"""crosscheck: registry and population reference tables; findings name their import

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 05:00:02.889137
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FK_NAME = "fk_check_result_reference_import_id"


def upgrade() -> None:
    op.create_table(
        "reference_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "population_person",
        sa.Column("id_number", sa.String(length=20), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=True),
        sa.Column("name_key", sa.String(length=200), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("sex", sa.String(length=8), nullable=True),
        sa.Column("place_of_residence", sa.Text(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["reference_import.id"],
        ),
        sa.PrimaryKeyConstraint("id_number"),
    )
    with op.batch_alter_table("population_person", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_population_person_import_id"), ["import_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_population_person_name_key"), ["name_key"], unique=False
        )

    op.create_table(
        "registry_vehicle",
        sa.Column("registry_id", sa.String(length=100), nullable=False),
        sa.Column("plate_number", sa.String(length=40), nullable=True),
        sa.Column("plate_key", sa.String(length=40), nullable=True),
        sa.Column("chassis_number", sa.String(length=60), nullable=True),
        sa.Column("chassis_key", sa.String(length=60), nullable=True),
        sa.Column("engine_number", sa.String(length=120), nullable=True),
        sa.Column("engine_key", sa.String(length=120), nullable=True),
        sa.Column("brand", sa.String(length=100), nullable=True),
        sa.Column("model_code", sa.String(length=100), nullable=True),
        sa.Column("vehicle_type", sa.String(length=100), nullable=True),
        sa.Column("color", sa.String(length=60), nullable=True),
        sa.Column("manufacture_year", sa.Integer(), nullable=True),
        sa.Column("seats", sa.Integer(), nullable=True),
        sa.Column("engine_capacity_cc", sa.Integer(), nullable=True),
        sa.Column("owner_name", sa.String(length=200), nullable=True),
        sa.Column("owner_id_number", sa.String(length=40), nullable=True),
        sa.Column("owner_id_key", sa.String(length=40), nullable=True),
        sa.Column("owner_address", sa.Text(), nullable=True),
        sa.Column("registration_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["reference_import.id"],
        ),
        sa.PrimaryKeyConstraint("registry_id"),
    )
    with op.batch_alter_table("registry_vehicle", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registry_vehicle_chassis_key"), ["chassis_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_registry_vehicle_engine_key"), ["engine_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_registry_vehicle_import_id"), ["import_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_registry_vehicle_owner_id_key"), ["owner_id_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_registry_vehicle_plate_key"), ["plate_key"], unique=False
        )

    with op.batch_alter_table("check_result", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reference_import_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(FK_NAME, "reference_import", ["reference_import_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("check_result", schema=None) as batch_op:
        batch_op.drop_constraint(FK_NAME, type_="foreignkey")
        batch_op.drop_column("reference_import_id")

    with op.batch_alter_table("registry_vehicle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_vehicle_plate_key"))
        batch_op.drop_index(batch_op.f("ix_registry_vehicle_owner_id_key"))
        batch_op.drop_index(batch_op.f("ix_registry_vehicle_import_id"))
        batch_op.drop_index(batch_op.f("ix_registry_vehicle_engine_key"))
        batch_op.drop_index(batch_op.f("ix_registry_vehicle_chassis_key"))

    op.drop_table("registry_vehicle")
    with op.batch_alter_table("population_person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_population_person_name_key"))
        batch_op.drop_index(batch_op.f("ix_population_person_import_id"))

    op.drop_table("population_person")
    op.drop_table("reference_import")
