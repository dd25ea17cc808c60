"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from hoso import db
from hoso.models import Base


def test_upgrade_from_empty_matches_models_on_sqlite(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    assert db.current_revision(engine) is None
    db.upgrade(engine)
    db.upgrade(engine)  # idempotent
    assert db.current_revision(engine) == "0003"
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_upgrade_from_empty_matches_models_on_postgresql(pg_url: str) -> None:
    engine = db.make_engine(pg_url)
    db.upgrade(engine)
    assert db.current_revision(engine) == "0003"
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    engine.dispose()
