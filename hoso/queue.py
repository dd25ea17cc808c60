"""The production work queue: RQ on Redis, JSON-serialized jobs that take a file's SHA-256.

At-least-once execution with idempotent jobs: a job id is derived from the file
(``file-<sha256>``) so a file is never queued twice at once, and the database — not Redis —
says which files are unfinished, so a Redis that lost its queue can be refilled
(``requeue_stale``). Result and failure TTLs keep Redis memory bounded when millions of jobs
pass through.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from redis import Redis
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hoso.errors import ConfigError
from hoso.models import Batch, File, FileState
from hoso.settings import Settings

JOB_FUNC = "worker.process_file"
RESULT_TTL_S = 3600  # a finished job's entry is kept one hour, then Redis drops it
FAILURE_TTL_S = 7 * 24 * 3600  # failed jobs stay inspectable for a week
RETRY_INTERVALS_S = (15, 60, 300)
HEARTBEAT_S = 10  # job_monitoring_interval of our workers
LIVE = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED}
UNFINISHED = (FileState.queued, FileState.processing)


def job_id(sha256: str) -> str:
    return f"file-{sha256}"


def job_timeout_s(pages: int | None, ocr_timeout_s: float) -> int:
    """Sized from the page count: generous per page, bounded by the OCR time limit."""
    per_page = min(90.0, ocr_timeout_s)
    return int(120 + per_page * max(1, pages or 1))


def connect(settings: Settings) -> Redis:
    if not settings.redis_url:
        raise ConfigError(
            "HOSO_REDIS_URL is not set: the production queue needs Redis "
            "(use `hoso run` for the embedded default)"
        )
    return Redis.from_url(
        settings.redis_url, socket_timeout=30, socket_connect_timeout=10, health_check_interval=30
    )


def make_queue(settings: Settings, connection: Redis) -> Queue:
    return Queue(settings.queue_name, connection=connection, serializer=JSONSerializer)


def fetch_job(queue: Queue, sha256: str) -> Job | None:
    try:
        return Job.fetch(job_id(sha256), connection=queue.connection, serializer=JSONSerializer)
    except NoSuchJobError:
        return None


def is_live(job: Job | None, now: datetime | None = None) -> bool:
    """A job that will still run: waiting, scheduled, or started with a fresh heartbeat."""
    if job is None:
        return False
    status = job.get_status(refresh=True)
    if status not in LIVE:
        return False
    if status == JobStatus.STARTED:
        beat = job.last_heartbeat or job.started_at
        if beat is None:
            return True
        if beat.tzinfo is None:
            beat = beat.replace(tzinfo=UTC)
        return (now or datetime.now(UTC)) - beat < timedelta(seconds=6 * HEARTBEAT_S)
    return True


def enqueue_file(queue: Queue, sha256: str, pages: int | None, settings: Settings) -> bool:
    """Queue one file unless a live job already holds it; True when a job was queued."""
    existing = fetch_job(queue, sha256)
    if is_live(existing):
        return False
    if existing is not None:
        existing.delete()
    queue.enqueue_call(
        JOB_FUNC,
        args=(sha256,),
        job_id=job_id(sha256),
        timeout=job_timeout_s(pages, settings.ocr_timeout_s),
        result_ttl=RESULT_TTL_S,
        failure_ttl=FAILURE_TTL_S,
        retry=Retry(max=len(RETRY_INTERVALS_S), interval=list(RETRY_INTERVALS_S)),
        description=f"process_file {sha256[:12]}",
    )
    return True


@dataclass(frozen=True, slots=True)
class Requeued:
    sha256: str
    filename: str
    previous: str


def _files(session: Session, states: Iterable[FileState], batch: str | None) -> list[File]:
    stmt = select(File).where(File.state.in_(list(states)))
    if batch:
        stmt = stmt.join(Batch, File.batch_id == Batch.id).where(Batch.name == batch)
    return list(session.scalars(stmt.order_by(File.created_at)))


def requeue_stale(
    sessions: sessionmaker[Session], queue: Queue, settings: Settings, batch: str | None = None
) -> list[Requeued]:
    """Queue again every file the database says is unfinished and no live job holds
    (after a Redis restart that lost the queue, or a worker machine that died)."""
    out: list[Requeued] = []
    with sessions() as session:
        files = _files(session, UNFINISHED, batch)
    for f in files:
        if enqueue_file(queue, f.sha256, f.page_count, settings):
            out.append(Requeued(f.sha256, f.filename, f.state.value))
    return out


def retry_failed(
    sessions: sessionmaker[Session], queue: Queue, settings: Settings, batch: str | None = None
) -> list[Requeued]:
    """Queue every failed file again with a fresh attempt count."""
    out: list[Requeued] = []
    with sessions() as session, session.begin():
        files = _files(session, [FileState.failed], batch)
        for f in files:
            f.state = FileState.queued
            f.attempts = 0
            out.append(Requeued(f.sha256, f.filename, FileState.failed.value))
    for r, f in zip(out, files, strict=True):
        enqueue_file(queue, r.sha256, f.page_count, settings)
    return out
