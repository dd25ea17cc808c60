"""Documents as export records: one JSON object per document, the schema's contract."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hoso.models import Batch, Document, File, PageRow
from hoso.schema import field_names


def _iso(ts: datetime) -> str:
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return ts.astimezone(UTC).isoformat().replace("+00:00", "Z")


def to_record(doc: Document, batch_name: str | None, pages: list[PageRow]) -> dict[str, Any]:
    """The export record of one document (see ``hoso/schema/document.schema.json``)."""
    file = doc.file
    names = [u.filename for u in file.uploads]
    fields: dict[str, Any] = {}
    for row in doc.fields:
        fields[row.name] = {
            "value": row.value,
            "raw": row.raw,
            "confidence": round(float(row.confidence), 4),
            "page": row.page,
            "bbox": row.bbox,
            "origin": row.origin.value,
            "valid": row.valid,
        }
    for name in field_names(doc.doc_type):  # the contract: every field of the type is present
        fields.setdefault(
            name,
            {
                "value": None,
                "raw": None,
                "confidence": 0.0,
                "page": None,
                "bbox": None,
                "origin": "ocr",
                "valid": None,
            },
        )
    in_range = [
        p
        for p in pages
        if doc.page_start is not None
        and doc.page_end is not None
        and doc.page_start <= p.number <= doc.page_end
    ]
    return {
        "document_id": doc.id,
        "dossier_id": file.dossier_id,
        "batch": batch_name,
        "source": {
            "filename": file.filename,
            "sha256": file.sha256,
            "object_key": file.object_key,
            "page_start": doc.page_start,
            "page_end": doc.page_end,
            "filenames": sorted(set(names)) or [file.filename],
        },
        "pages": [
            {
                "page": p.number,
                "rotation_deg": p.rotation_deg,
                "skew_deg": p.skew_deg,
                "width": p.width,
                "height": p.height,
                "dpi": p.dpi,
            }
            for p in in_range
        ],
        "doc_type": doc.doc_type,
        "doc_type_confidence": round(float(doc.doc_type_confidence), 4),
        "status": doc.status.value,
        "error": doc.error,
        "fields": fields,
        "checks": [
            {
                "rule": c.rule,
                "severity": c.severity.value,
                "message": c.message,
                "fields": list(c.fields or []),
            }
            for c in doc.checks
        ],
        "created_at": _iso(doc.created_at),
        "updated_at": _iso(doc.updated_at),
        "versions": dict(doc.versions or {}),
    }


def iter_records(
    session: Session,
    *,
    batch: str | None = None,
    files: list[str] | None = None,
    chunk: int = 500,
) -> Iterator[dict[str, Any]]:
    """Every document (of a batch, or of some files), ordered by file and first page."""
    stmt = (
        select(Document, Batch.name)
        .join(File, Document.file_sha256 == File.sha256)
        .join(Batch, File.batch_id == Batch.id)
        .options(
            selectinload(Document.fields),
            selectinload(Document.checks),
            selectinload(Document.file).selectinload(File.uploads),
        )
        .order_by(File.dossier_id, File.filename, Document.file_sha256, Document.page_start)
    )
    if batch is not None:
        stmt = stmt.where(Batch.name == batch)
    if files is not None:
        stmt = stmt.where(Document.file_sha256.in_(files))
    page_cache: dict[str, list[PageRow]] = {}
    for doc, batch_name in session.execute(stmt.execution_options(yield_per=chunk)):
        if doc.file_sha256 not in page_cache:
            page_cache.clear()
            page_cache[doc.file_sha256] = list(
                session.scalars(
                    select(PageRow)
                    .where(PageRow.file_sha256 == doc.file_sha256)
                    .order_by(PageRow.number)
                )
            )
        yield to_record(doc, batch_name, page_cache[doc.file_sha256])
