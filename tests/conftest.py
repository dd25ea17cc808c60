"""Shared test fixtures: an isolated embedded store per test, and bad inputs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from hoso import settings as settings_mod
from hoso.settings import Settings

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def hoso_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Settings pointing at a fresh embedded store; exported as HOSO_HOME for subprocesses."""
    for key in list(os.environ):
        if key.startswith("HOSO_"):
            monkeypatch.delenv(key)
    home = tmp_path / "home"
    monkeypatch.setenv("HOSO_HOME", str(home))
    yield settings_mod.load(workers=1)


def _unavailable(what: str) -> None:
    """Outside CI a missing service skips its tests; in CI it fails them (nothing is hidden)."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is not reachable on loopback; .ci/run should have started it")
    pytest.skip(f"{what} is not reachable on loopback (run scripts/services.sh)")


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    import psycopg

    url = os.environ.get("HOSO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        with psycopg.connect(url, connect_timeout=5):
            pass
    except psycopg.OperationalError:
        _unavailable("PostgreSQL")
    return url


@pytest.fixture
def pg_url(pg_admin_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    import uuid

    import psycopg

    name = f"hoso_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = pg_admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    yield f"{base}/{name}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def redis_url() -> Iterator[str]:
    """Redis database 13 on loopback, emptied before and after each test."""
    import redis

    url = os.environ.get("HOSO_TEST_REDIS", "redis://127.0.0.1:6379/13")
    conn = redis.Redis.from_url(url, socket_connect_timeout=3)
    try:
        conn.ping()
    except redis.exceptions.ConnectionError:
        _unavailable("Redis")
    conn.flushdb()
    yield url
    conn.flushdb()
    conn.close()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """``host:port`` of moto's standalone S3 server, running for the whole test session."""
    from tests.s3server import moto_s3_server

    with moto_s3_server() as endpoint:
        yield endpoint


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The same test on a SQLite file and on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cc.db'}"
    else:
        yield request.getfixturevalue("pg_url")
