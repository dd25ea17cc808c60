"""Database helpers shared by tests."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from hoso import db


def migrated_sessions(url: str) -> sessionmaker[Session]:
    """Sessions on ``url`` after the Alembic migrations ran."""
    engine = db.make_engine(url)
    db.upgrade(engine)
    return db.session_factory(engine)
