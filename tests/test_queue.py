"""The production queue on real Redis and PostgreSQL: uniqueness, stale requeue, retry."""

from __future__ import annotations

from pathlib import Path

from rq.serializers import JSONSerializer
from sqlalchemy.orm import Session, sessionmaker

import worker
from hoso import queue as q
from hoso import settings as settings_mod
from hoso.models import File, FileState
from hoso.settings import Settings
from ingest import rasterize, upload
from tests import badfiles


def _setup(
    tmp_path: Path, pg_url: str, redis_url: str
) -> tuple[Settings, sessionmaker[Session], list[str]]:
    s = settings_mod.load(
        {}, home=tmp_path / "h", database_url=pg_url, redis_url=redis_url, queue_name="hoso-test"
    )
    ctx = worker.build_context(s)
    paths = [badfiles.pdf_pages(tmp_path / f"d{i}.pdf", i + 1) for i in range(3)]
    items = upload.discover(paths)
    with ctx.sessions() as session:
        ingested = upload.ingest_all(
            session, ctx.store, "b1", items, rasterize.Limits(10, 10**8, 150)
        )
    ctx.engine.dispose()
    return s, ctx.sessions, [i.sha256 for i in ingested]


def test_a_file_is_queued_once_and_jobs_are_json(
    tmp_path: Path, pg_url: str, redis_url: str
) -> None:
    s, _, shas = _setup(tmp_path, pg_url, redis_url)
    queue = q.make_queue(s, q.connect(s))
    assert q.enqueue_file(queue, shas[0], 3, s) is True
    assert q.enqueue_file(queue, shas[0], 3, s) is False
    job = q.fetch_job(queue, shas[0])
    assert job is not None and job.func_name == "worker.process_file" and job.args == [shas[0]]
    assert job.serializer is JSONSerializer or isinstance(job.serializer, type(JSONSerializer))
    assert job.timeout == q.job_timeout_s(3, s.ocr_timeout_s)
    assert job.result_ttl == q.RESULT_TTL_S and job.failure_ttl == q.FAILURE_TTL_S
    assert job.retries_left == len(q.RETRY_INTERVALS_S)
    assert queue.count == 1


def test_requeue_stale_refills_a_queue_redis_lost(
    tmp_path: Path, pg_url: str, redis_url: str
) -> None:
    s, sessions, shas = _setup(tmp_path, pg_url, redis_url)
    conn = q.connect(s)
    queue = q.make_queue(s, conn)
    for sha in shas:
        q.enqueue_file(queue, sha, 1, s)
    with sessions() as session, session.begin():
        done = session.get(File, shas[2])
        assert done is not None
        done.state = FileState.done
    conn.flushdb()  # Redis restarted without persistence: every job is gone
    assert queue.count == 0
    requeued = q.requeue_stale(sessions, queue, s)
    assert sorted(r.sha256 for r in requeued) == sorted(shas[:2])
    assert queue.count == 2
    assert q.requeue_stale(sessions, queue, s) == []  # live jobs are left alone


def test_retry_failed_resets_attempts(tmp_path: Path, pg_url: str, redis_url: str) -> None:
    s, sessions, shas = _setup(tmp_path, pg_url, redis_url)
    queue = q.make_queue(s, q.connect(s))
    with sessions() as session, session.begin():
        f = session.get(File, shas[1])
        assert f is not None
        f.state, f.attempts, f.error = FileState.failed, 3, "Tesseract ran past 180 s"
    (again,) = q.retry_failed(sessions, queue, s, batch="b1")
    assert again.sha256 == shas[1]
    with sessions() as session:
        f = session.get(File, shas[1])
        assert f is not None and (f.state, f.attempts) == (FileState.queued, 0)
    assert q.fetch_job(queue, shas[1]) is not None
