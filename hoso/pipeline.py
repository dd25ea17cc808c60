"""Use cases behind the CLI on the embedded default: run a folder, export, OCR one file."""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

import worker
from hoso import db, records
from hoso.errors import HosoError
from hoso.models import Batch, Document, File, FileState
from hoso.runner import Job, reextract_files, run_jobs, stopping_workers_on_signal
from hoso.schema import validation_errors
from hoso.settings import Settings
from ingest import rasterize, upload
from ocr import tesseract
from ocr.engine import open_engine

EXIT_REJECTED = 3
EXIT_FAILED = 4


@dataclass
class RunSummary:
    batch: str
    files: int = 0
    duplicates: int = 0
    documents: int = 0
    pages: int = 0
    doc_types: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    fields_auto: int = 0
    fields_review: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    wall_s: float = 0.0
    records_path: Path | None = None

    @property
    def exit_code(self) -> int:
        if self.failed:
            return EXIT_FAILED
        if self.rejected:
            return EXIT_REJECTED
        return 0


def discover_inputs(inputs: Sequence[Path], manifest: Path | None) -> list[upload.Incoming]:
    mapping = upload.read_manifest(manifest) if manifest else None
    items = upload.discover(inputs, mapping)
    if not items:
        raise HosoError("no input files found in " + ", ".join(str(p) for p in inputs))
    return items


def run_embedded(
    s: Settings,
    items: Sequence[upload.Incoming],
    batch: str,
    out_dir: Path,
    on_start: Callable[[int], None],
    on_done: Callable[[dict[str, Any]], None],
) -> RunSummary:
    """Ingest ``items`` into the embedded store, process them in a local worker pool and
    write ``out_dir/records.jsonl`` for every file of this run."""
    ctx = worker.build_context(s)
    with ctx.sessions() as session:
        ingested = upload.ingest_all(session, ctx.store, batch, items, rasterize.Limits.of(s))
    summary = RunSummary(
        batch=batch, files=len(ingested), duplicates=sum(1 for i in ingested if i.duplicate)
    )
    todo: dict[str, upload.Ingested] = {}
    with ctx.sessions() as session:
        for item in ingested:
            f = session.get(File, item.sha256)
            if f is not None and f.state != FileState.done and item.sha256 not in todo:
                todo[item.sha256] = item
    jobs = [Job(sha, item.page_count or 0) for sha, item in todo.items()]
    on_start(sum(j.pages for j in jobs))
    if jobs:
        with stopping_workers_on_signal():
            run_jobs(s, jobs, min(s.worker_count, len(jobs)), on_done)
    shas = sorted({i.sha256 for i in ingested})
    out_dir.mkdir(parents=True, exist_ok=True)
    summary.records_path = out_dir / "records.jsonl"
    with ctx.sessions() as session, summary.records_path.open("w", encoding="utf-8") as fh:
        for rec in _records_for(session, shas):
            _write_record(fh, rec)
            _tally(summary, rec, s.review_threshold)
    return summary


def _write_record(fh: TextIO, rec: dict[str, Any]) -> None:
    """One JSON line, after checking it against the export contract."""
    problems = validation_errors(rec)
    if problems:
        raise HosoError(f"record {rec['document_id']} breaks the schema: {problems[0]}")
    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def _records_for(session: Session, shas: list[str]) -> Iterator[dict[str, Any]]:
    for i in range(0, len(shas), 500):
        yield from records.iter_records(session, files=shas[i : i + 500])


def _tally(summary: RunSummary, rec: dict[str, Any], threshold: float) -> None:
    status = rec["status"]
    summary.statuses[status] += 1
    name = rec["source"]["filename"]
    if status == "rejected":
        summary.rejected.append((name, rec["error"] or ""))
        return
    if status == "failed":
        summary.failed.append((name, rec["error"] or ""))
        return
    summary.documents += 1
    summary.pages += len(rec["pages"])
    summary.doc_types[rec["doc_type"]] += 1
    for f in rec["fields"].values():
        if f["origin"] != "ocr" or f["confidence"] >= threshold:
            summary.fields_auto += 1
        else:
            summary.fields_review += 1


def export_records(s: Settings, out_file: Path, batch: str | None = None) -> int:
    """Write every document (of a batch) as JSON Lines, validated against the schema."""
    engine = db.make_engine(s.database_url)
    db.create_schema(engine)
    sessions = db.session_factory(engine)
    n = 0
    fh = sys.stdout if str(out_file) == "-" else out_file.open("w", encoding="utf-8")
    try:
        with sessions() as session:
            for rec in records.iter_records(session, batch=batch):
                _write_record(fh, rec)
                n += 1
    finally:
        if fh is not sys.stdout:
            fh.close()
    return n


def reextract(
    s: Settings, batch: str | None, on_start: Callable[[int], None], on_done: Callable[..., None]
) -> list[dict[str, Any]]:
    """Classify and extract every processed file (of a batch) again from its stored pages."""
    ctx = worker.build_context(s)
    stmt = select(File.sha256, File.page_count).where(File.state == FileState.done)
    if batch:
        stmt = stmt.join(Batch, File.batch_id == Batch.id).where(Batch.name == batch)
    with ctx.sessions() as session:
        rows = session.execute(stmt.order_by(File.created_at)).all()
    on_start(sum(r.page_count or 0 for r in rows))
    with stopping_workers_on_signal():
        return reextract_files(s, [r.sha256 for r in rows], s.worker_count, on_done)


def ocr_file(s: Settings, path: Path, fmt: str) -> Iterator[str]:
    """Full-page OCR output of each page after hoso's preprocessing."""
    data = path.read_bytes()
    ocr = open_engine(s.ocr_engine)
    with tempfile.TemporaryDirectory(prefix="hoso-ocr-") as tmp:
        local = Path(tmp) / "original"
        local.write_bytes(data)
        limits = rasterize.Limits.of(s)
        kind, count = rasterize.probe(data, local, limits)
        for raster in rasterize.pages(data, local, kind, count, limits):
            up = worker.prepare_page(raster, ocr)
            dpi = raster.dpi or s.dpi
            if fmt == "txt":
                yield tesseract.ocr_text(up.image, lang=s.ocr_lang, dpi=dpi, engine=ocr)
                if raster.number < count:
                    yield "\f"
            elif fmt == "hocr":
                yield tesseract.ocr_hocr(up.image, lang=s.ocr_lang, dpi=dpi, engine=ocr)
            else:
                page = tesseract.ocr_page(
                    up.image, raster.number, lang=s.ocr_lang, dpi=dpi, engine=ocr
                )
                for line_no, line in enumerate(page.lines, start=1):
                    for w in line.words:
                        x0, y0, x1, y1 = w.box
                        yield (
                            f"{raster.number}\t{line_no}\t{x0}\t{y0}\t{x1 - x0}\t{y1 - y0}\t"
                            f"{w.confidence * 100:.1f}\t{w.text}\n"
                        )


@dataclass
class BatchProgress:
    batch: str
    files: int = 0
    states: Counter[str] = field(default_factory=Counter)
    documents: int = 0
    needs_review: int = 0
    pages_done: int = 0
    pages_left: int = 0
    pages_per_s: float | None = None
    eta_s: float | None = None

    @property
    def unfinished(self) -> int:
        return self.states.get("queued", 0) + self.states.get("processing", 0)


def batch_progress(sessions: sessionmaker[Session], batch: str | None) -> list[BatchProgress]:
    """Per batch: files by state, documents, throughput over the finished files and ETA."""
    out: dict[str, BatchProgress] = {}
    with sessions() as session:
        stmt = (
            select(
                Batch.name,
                File.state,
                func.count(),
                func.sum(File.page_count),
                func.min(File.created_at),
                func.max(File.updated_at),
            )
            .join(File, File.batch_id == Batch.id)
            .group_by(Batch.name, File.state)
        )
        docs = (
            select(Batch.name, Document.status, func.count())
            .join(File, File.batch_id == Batch.id)
            .join(Document, Document.file_sha256 == File.sha256)
            .group_by(Batch.name, Document.status)
        )
        if batch:
            stmt = stmt.where(Batch.name == batch)
            docs = docs.where(Batch.name == batch)
        spans: dict[str, list[Any]] = {}
        for name, state, n, pages, first, last in session.execute(stmt):
            p = out.setdefault(name, BatchProgress(name))
            p.files += n
            p.states[state.value] += n
            if state in (FileState.done, FileState.rejected, FileState.failed):
                p.pages_done += pages or 0
                spans.setdefault(name, []).extend([first, last])
            else:
                p.pages_left += pages or 0
        for name, status, n in session.execute(docs):
            p = out.setdefault(name, BatchProgress(name))
            if status.value not in ("rejected", "failed"):
                p.documents += n
            if status.value == "needs_review":
                p.needs_review += n
    for name, p in out.items():
        times = [t for t in spans.get(name, []) if t is not None]
        if len(times) >= 2 and p.pages_done:
            elapsed = (max(times) - min(times)).total_seconds()
            if elapsed > 0:
                p.pages_per_s = p.pages_done / elapsed
                p.eta_s = p.pages_left / p.pages_per_s if p.unfinished else 0.0
    return [out[k] for k in sorted(out)]


def problem_files(
    sessions: sessionmaker[Session], batch: str | None
) -> list[tuple[str, str, str, str]]:
    """(batch, file name, state, reason) of every rejected or failed file."""
    stmt = (
        select(Batch.name, File.filename, File.state, File.error)
        .join(File, File.batch_id == Batch.id)
        .where(File.state.in_([FileState.rejected, FileState.failed]))
        .order_by(Batch.name, File.filename)
    )
    if batch:
        stmt = stmt.where(Batch.name == batch)
    with sessions() as session:
        return [(b, f, st.value, err or "") for b, f, st, err in session.execute(stmt)]


@dataclass(frozen=True)
class IngestResult:
    files: int
    duplicates: int
    queued: int


def ingest_and_enqueue(s: Settings, items: Sequence[upload.Incoming], batch: str) -> IngestResult:
    """Production ingest: store originals, record uploads, queue unfinished files on RQ."""
    from hoso import queue as q

    conn = q.connect(s)
    rq_queue = q.make_queue(s, conn)
    ctx = worker.build_context(s)
    with ctx.sessions() as session:
        ingested = upload.ingest_all(session, ctx.store, batch, items, rasterize.Limits.of(s))
    queued = 0
    with ctx.sessions() as session:
        for item in {i.sha256: i for i in ingested}.values():
            f = session.get(File, item.sha256)
            if f is not None and f.state in (FileState.queued, FileState.processing):
                queued += q.enqueue_file(rq_queue, item.sha256, f.page_count, s)
    return IngestResult(len(ingested), sum(1 for i in ingested if i.duplicate), queued)


def requeue_stale(s: Settings, batch: str | None) -> list[Any]:
    from hoso import queue as q

    ctx = worker.build_context(s)
    return q.requeue_stale(ctx.sessions, q.make_queue(s, q.connect(s)), s, batch)


def retry_failed(s: Settings, batch: str | None) -> list[Any]:
    from hoso import queue as q

    ctx = worker.build_context(s)
    return q.retry_failed(ctx.sessions, q.make_queue(s, q.connect(s)), s, batch)
