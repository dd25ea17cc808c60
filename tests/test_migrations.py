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
    assert db.current_revision(engine) == "0006"
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_upgrade_from_empty_matches_models_on_postgresql(pg_url: str) -> None:
    engine = db.make_engine(pg_url)
    db.upgrade(engine)
    assert db.current_revision(engine) == "0006"
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    engine.dispose()


def test_fields_of_older_stores_keep_their_confidence(tmp_path: Path) -> None:
    """Rows written before 0004 have no extracted confidence: their confidence stands for it."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    db.upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO batch (id, name, created_at) VALUES (1, 'b', '2026-01-01')"
        )
        conn.exec_driver_sql("INSERT INTO dossier (id, created_at) VALUES ('D', '2026-01-01')")
        conn.exec_driver_sql(
            "INSERT INTO file (sha256, filename, size, object_key, batch_id, dossier_id, state,"
            " attempts, created_at, updated_at)"
            " VALUES ('f', 'a.pdf', 1, 'k', 1, 'D', 'done', 1, '2026-01-01', '2026-01-01')"
        )
        conn.exec_driver_sql(
            "INSERT INTO document (id, file_sha256, doc_type, doc_type_confidence, status,"
            " versions, created_at, updated_at)"
            " VALUES ('d', 'f', 'citizen_id', 0.9, 'extracted', '{}', '2026-01-01', '2026-01-01')"
        )
        conn.exec_driver_sql(
            "INSERT INTO field (document_id, name, position, value, confidence, origin, problems,"
            " updated_at) VALUES ('d', 'full_name', 0, 'AN', 0.93, 'ocr', '[]', '2026-01-01')"
        )
    db.upgrade(engine)
    with engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT confidence, extracted_confidence FROM field WHERE name = 'full_name'"
        ).one()
    assert tuple(row) == (0.93, None)
