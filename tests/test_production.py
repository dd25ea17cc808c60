"""The production topology on real services: PostgreSQL, Redis, S3 over HTTP (moto), and
real `hoso worker` processes. Includes the chaos tests: a worker SIGKILLed mid-job, and a
Redis that restarts empty mid-run."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from PIL import Image, ImageDraw, ImageFont
from rq import Worker
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from hoso import db
from hoso.models import Document, File, FileState, PageRow, Upload
from hoso.settings import load
from storage import open_store
from tests.clirun import hoso as run_hoso
from tests.redisserver import RedisServer, redis_server

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "fixtures" / "samples" / "scans"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def hoso(*args: str, env: dict[str, str]) -> str:
    return run_hoso(*args, env=env).stdout


def start_workers(
    env: dict[str, str], n: int, *, burst: bool, log: Path
) -> subprocess.Popen[bytes]:
    """``hoso worker`` in the background, its log written to ``log``. Not a pipe: nobody
    reads a pipe while the workers run, and once its buffer is full (a chaos run logs every
    Redis error and retry) their next log line blocks them, SIGTERM included."""
    args = [sys.executable, "-m", "hoso", "worker", "--workers", str(n)]
    with log.open("wb") as out:
        return subprocess.Popen(
            args + (["--burst"] if burst else []),
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=out,
        )


@pytest.fixture
def redis_srv(tmp_path: Path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    with redis_server(tmp_path) as server:
        yield server


@pytest.fixture
def prod_env(
    tmp_path: Path, pg_url: str, s3_endpoint: str, redis_srv: RedisServer
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOSO_")}
    env.update(
        {
            "HOSO_HOME": str(tmp_path / "home"),
            "HOSO_DATABASE_URL": pg_url,
            "HOSO_REDIS_URL": redis_srv.url,
            "HOSO_STORAGE_URL": f"s3://hoso-{uuid.uuid4().hex[:10]}",
            "HOSO_S3_ENDPOINT": s3_endpoint,
            "HOSO_S3_ACCESS_KEY": "testing",
            "HOSO_S3_SECRET_KEY": "testing",
            "HOSO_S3_SECURE": "false",
            "COLUMNS": "200",
        }
    )
    hoso("db", "upgrade", env=env)
    return env


def _settings(env: dict[str, str]) -> Any:
    return load({k: v for k, v in env.items() if k.startswith("HOSO_")})


def _records(path: Path) -> dict[str, dict[str, Any]]:
    lines = path.read_text("utf-8").splitlines()
    return {r["document_id"]: r for r in map(json.loads, lines)}


def test_production_run_matches_the_embedded_run(tmp_path: Path, prod_env: dict[str, str]) -> None:
    scans = tmp_path / "scans"
    for name in ("hs20251110-001", "hs20251110-005"):
        shutil.copytree(SAMPLES / name, scans / name)
    embedded_env = {k: v for k, v in os.environ.items() if not k.startswith("HOSO_")}
    embedded_env["HOSO_HOME"] = str(tmp_path / "embedded")
    hoso("run", str(scans), "--out", str(tmp_path / "emb"), "--workers", "2", env=embedded_env)

    hoso("ingest", str(scans), "--batch", "p1", env=prod_env)
    log = tmp_path / "workers.log"
    workers = start_workers(prod_env, 2, burst=True, log=log)
    assert workers.wait(timeout=600) == 0, log.read_text(errors="replace")[-4000:]
    hoso("export", "--out", str(tmp_path / "prod.jsonl"), env=prod_env)

    emb, prod = _records(tmp_path / "emb" / "records.jsonl"), _records(tmp_path / "prod.jsonl")
    assert set(prod) == set(emb) and len(prod) == 7
    for doc_id, e in emb.items():
        p = prod[doc_id]
        assert p["status"] == e["status"] and p["doc_type"] == e["doc_type"]
        assert {k: f["value"] for k, f in p["fields"].items()} == {
            k: f["value"] for k, f in e["fields"].items()
        }
        assert p["source"]["object_key"] == f"originals/{p['source']['sha256']}"
    out = hoso("status", "--batch", "p1", env=prod_env)
    assert "p1" in out


def _text_pages(folder: Path, n: int) -> list[Path]:
    """n distinct one-page scans with enough text to keep a worker busy for a moment."""
    folder.mkdir(parents=True)
    font = ImageFont.truetype(FONT, 34)
    paths = []
    for i in range(n):
        img = Image.new("L", (2480, 3508), 250)
        draw = ImageDraw.Draw(img)
        for line in range(12):
            draw.text(
                (150, 150 + line * 80),
                f"Hồ sơ {i:03d} dòng {line:02d}: Tên chủ xe NGUYỄN VĂN AN, số máy JF{i}E{line}",
                font=font,
                fill=20,
            )
        path = folder / f"page_{i:03d}.png"
        img.save(path, optimize=False)
        paths.append(path)
    return paths


def _wait_until(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _states(sessions: Any) -> dict[str, int]:
    with sessions() as s:
        return {
            st.value: n
            for st, n in s.execute(select(File.state, func.count()).group_by(File.state))
        }


def _assert_exactly_once(env: dict[str, str], n: int) -> None:
    settings = _settings(env)
    engine = db.make_engine(settings.database_url)
    sessions = db.session_factory(engine)
    with sessions() as s:
        files = s.scalars(select(File)).all()
        assert len(files) == n and {f.state for f in files} == {FileState.done}
        docs = s.scalars(select(Document)).all()
        assert len(docs) == n  # one single-page document per file, none twice
        assert sorted((d.file_sha256, d.page_start) for d in docs) == sorted(
            (f.sha256, 1) for f in files
        )
        assert s.scalar(select(func.count()).select_from(PageRow)) == n
        assert s.scalar(select(func.count()).select_from(Upload)) == n
        shas = {f.sha256 for f in files}
    engine.dispose()
    store = open_store(settings)
    keys = list(store.list(""))
    expected = {f"originals/{sha}" for sha in shas}
    expected |= {f"pages/{sha}/1/{leaf}" for sha in shas for leaf in ("upright.png", "words.json")}
    assert set(keys) == expected  # no orphan objects, nothing missing


CHAOS_FILES = 30


def _chaos_run(
    tmp_path: Path, env: dict[str, str], disrupt: Callable[[Any, sessionmaker[Session]], None]
) -> None:
    """Ingest CHAOS_FILES files, run two workers, ``disrupt`` mid-run, wait for every file,
    then check that each was processed exactly once."""
    _text_pages(tmp_path / "scans", CHAOS_FILES)
    hoso("ingest", str(tmp_path / "scans"), "--batch", "chaos", env=env)
    settings = _settings(env)
    engine = db.make_engine(settings.database_url)
    sessions = db.session_factory(engine)
    pool = start_workers(env, 2, burst=False, log=tmp_path / "workers.log")
    try:
        disrupt(settings, sessions)
        _wait_until(lambda: _states(sessions).get("done", 0) == CHAOS_FILES, 400, "every file done")
    finally:
        pool.send_signal(signal.SIGTERM)
        pool.wait(60)
        engine.dispose()
    _assert_exactly_once(env, CHAOS_FILES)


def test_worker_killed_mid_job_loses_nothing(tmp_path: Path, prod_env: dict[str, str]) -> None:
    def kill_a_busy_worker(settings: Any, sessions: sessionmaker[Session]) -> None:
        conn = redis.Redis.from_url(settings.redis_url)
        victim: dict[str, int | None] = {}

        def busy_worker() -> bool:
            for w in Worker.all(connection=conn):
                if w.get_current_job_id() and _states(sessions).get("done", 0) >= 2:
                    victim["pid"] = w.pid
                    return True
            return False

        _wait_until(busy_worker, 180, "a worker in the middle of a job")
        # The whole worker dies at once, work-horse included, as when a machine is lost.
        pid = victim["pid"]
        assert pid is not None
        subprocess.run(["pkill", "-KILL", "-P", str(pid)], check=False)
        os.kill(pid, signal.SIGKILL)

    _chaos_run(tmp_path, prod_env, kill_a_busy_worker)


def test_redis_restart_mid_run_is_recovered_by_requeue_stale(
    tmp_path: Path, prod_env: dict[str, str], redis_srv: RedisServer
) -> None:
    def restart_redis_empty(settings: Any, sessions: sessionmaker[Session]) -> None:
        _wait_until(lambda: _states(sessions).get("done", 0) >= 3, 300, "the first files")
        redis_srv.kill()  # the queue, and every job in it, is gone
        time.sleep(1)
        redis_srv.start()
        out = hoso("requeue", "--stale", env=prod_env)
        assert "stale files queued again" in out

    _chaos_run(tmp_path, prod_env, restart_redis_empty)
