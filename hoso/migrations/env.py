"""Alembic environment: the same migrations run on SQLite (embedded) and PostgreSQL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from hoso.models import Base

target_metadata = Base.metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("hoso runs migrations through hoso.db.upgrade(engine)")
run(connection)
