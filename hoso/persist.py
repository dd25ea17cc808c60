"""Writing a processed file's results: one transaction, idempotent, reviewer-safe.

Functions here take the Session of the caller's transaction; the job boundary owns
``with session.begin():``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from crosscheck import dossier as consistency
from hoso.ids import document_id, file_record_id
from hoso.models import (
    Check,
    CheckState,
    DocStatus,
    Document,
    Dossier,
    FieldHistory,
    FieldRow,
    File,
    FileState,
    Origin,
    PageRow,
    Severity,
    utcnow,
)

OCR_ACTOR = "hoso-ocr"
DOSSIER_ACTOR = "hoso-dossier"
VALIDATION_RULE = "field_invalid"


@dataclass(frozen=True, slots=True)
class FieldResult:
    name: str
    value: str | None
    raw: str | None
    confidence: float
    page: int | None
    bbox: tuple[int, int, int, int] | None
    valid: bool | None
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckResult:
    rule: str
    severity: str
    message: str
    fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DocumentResult:
    page_start: int
    page_end: int
    doc_type: str
    doc_type_confidence: float
    fields: Sequence[FieldResult]
    checks: Sequence[CheckResult] = ()


@dataclass(frozen=True, slots=True)
class PageResult:
    number: int
    rotation_deg: int
    skew_deg: float
    width: int
    height: int
    dpi: int | None
    image_key: str
    words_key: str
    doc_type: str
    doc_type_confidence: float
    mean_word_confidence: float | None


@dataclass(slots=True)
class Outcome:
    documents: int = 0
    changed: list[str] = field(default_factory=list)


def has_blocking_check(doc: Document) -> bool:
    """An open finding of severity error: the document may not be approved automatically."""
    return any(c.severity == Severity.error and c.state == CheckState.open for c in doc.checks)


def _status(doc: Document, threshold: float) -> DocStatus:
    if doc.status == DocStatus.verified:
        return DocStatus.verified
    blocking = has_blocking_check(doc)
    doubtful = any(f.confidence < threshold for f in doc.fields if f.origin == Origin.ocr)
    return (
        DocStatus.needs_review
        if blocking or doubtful or (not doc.fields and doc.doc_type == "unknown")
        else DocStatus.extracted
    )


def _restatus(doc: Document, threshold: float) -> bool:
    """Set the status its fields and findings give the document; True if it changed."""
    status = _status(doc, threshold)
    if doc.status == status:
        return False
    doc.status = status
    return True


def _set_field(
    doc: Document, position: int, result: FieldResult, now: datetime, session: Session
) -> bool:
    """Update one field from OCR; a reviewer's or registry's value is left alone."""
    row = next((f for f in doc.fields if f.name == result.name), None)
    bbox = list(result.bbox) if result.bbox else None
    if row is None:
        doc.fields.append(
            FieldRow(
                name=result.name,
                position=position,
                value=result.value,
                raw=result.raw,
                confidence=result.confidence,
                extracted_confidence=result.confidence,
                page=result.page,
                bbox=bbox,
                origin=Origin.ocr,
                valid=result.valid,
                problems=list(result.problems),
                updated_at=now,
            )
        )
        return True
    if row.origin != Origin.ocr:
        return False
    new = (
        result.value,
        result.raw,
        round(result.confidence, 6),
        result.page,
        bbox,
        result.valid,
        list(result.problems),
    )
    # The dossier's evidence may have moved ``confidence`` and replaced ``value``;
    # extraction owns only its own reading.
    old = (
        row.own_value,
        row.raw,
        round(row.own_confidence, 6),
        row.page,
        row.bbox,
        row.own_valid,
        list(row.problems or []),
    )
    if new == old:
        return False
    if row.replaced is not None:
        # The dossier's value stays until ``reconcile_dossier`` weighs the new reading.
        row.replaced = {**row.replaced, "value": result.value, "valid": result.valid}
    else:
        if row.value != result.value:
            _history(session, doc, row, result.value, OCR_ACTOR, "reprocessed", now)
        row.value, row.valid = result.value, result.valid
    (row.raw, row.confidence, row.page, row.bbox, row.problems) = (
        result.raw,
        result.confidence,
        result.page,
        bbox,
        list(result.problems),
    )
    row.extracted_confidence = result.confidence
    row.position = position
    row.updated_at = now
    return True


def _history(
    session: Session,
    doc: Document,
    row: FieldRow,
    value: str | None,
    actor: str,
    reason: str,
    now: datetime,
) -> None:
    """Record that ``row``'s value becomes ``value`` (the caller sets it)."""
    session.add(
        FieldHistory(
            document_id=doc.id,
            name=row.name,
            old_value=row.value,
            new_value=value,
            old_origin=row.origin.value,
            new_origin=Origin.ocr.value,
            actor=actor,
            reason=reason,
            at=now,
        )
    )


def _set_checks(doc: Document, checks: Sequence[CheckResult]) -> bool:
    """Replace this pipeline's own checks; findings from other sources are kept."""
    own_rules = {VALIDATION_RULE, *(c.rule for c in checks)}
    wanted = {(c.rule, ",".join(c.fields)): c for c in checks}
    changed = False
    for existing in list(doc.checks):
        key = (existing.rule, existing.fields_key)
        if existing.source == "extraction" and existing.rule in own_rules and key not in wanted:
            doc.checks.remove(existing)
            changed = True
    have = {(c.rule, c.fields_key) for c in doc.checks}
    for key, c in wanted.items():
        if key in have:
            continue
        doc.checks.append(
            Check(
                rule=c.rule,
                severity=Severity(c.severity),
                message=c.message,
                fields=list(c.fields),
                fields_key=key[1],
                source="extraction",
                state=CheckState.open,  # the column default comes only at flush
            )
        )
        changed = True
    return changed


def _drop_file_record(session: Session, sha256: str) -> None:
    record = session.get(Document, file_record_id(sha256))
    if record is not None:
        session.execute(delete(FieldHistory).where(FieldHistory.document_id == record.id))
        session.delete(record)


def save_processed(
    session: Session,
    file: File,
    pages: Sequence[PageResult],
    documents: Sequence[DocumentResult],
    versions: dict[str, Any],
    threshold: float,
) -> Outcome:
    """Persist pages and documents of a processed file and mark it done."""
    now = utcnow()
    outcome = Outcome()
    _drop_file_record(session, file.sha256)
    session.execute(delete(PageRow).where(PageRow.file_sha256 == file.sha256))
    session.flush()
    for p in pages:
        session.add(PageRow(file_sha256=file.sha256, **dataclasses.asdict(p)))
    existing = {d.id: d for d in file.documents}
    wanted: set[str] = set()
    for result in documents:
        doc_id = document_id(file.sha256, result.page_start, result.page_end)
        wanted.add(doc_id)
        doc = existing.get(doc_id)
        changed = False
        if doc is None:
            doc = Document(
                id=doc_id,
                file_sha256=file.sha256,
                created_at=now,
                updated_at=now,
                status=DocStatus.processing,
                versions={},
            )
            session.add(doc)
            file.documents.append(doc)
            changed = True
        for attr, value in (
            ("page_start", result.page_start),
            ("page_end", result.page_end),
            ("doc_type", result.doc_type),
            ("doc_type_confidence", round(result.doc_type_confidence, 6)),
            ("error", None),
            ("versions", versions),
        ):
            if getattr(doc, attr) != value:
                setattr(doc, attr, value)
                changed = True
        for position, fr in enumerate(result.fields):
            changed |= _set_field(doc, position, fr, now, session)
        stale = [
            f
            for f in doc.fields
            if f.origin == Origin.ocr and f.name not in {fr.name for fr in result.fields}
        ]
        for f in stale:
            doc.fields.remove(f)
            changed = True
        changed |= _set_checks(doc, result.checks)
        changed |= _restatus(doc, threshold)
        if changed:
            doc.updated_at = now
            outcome.changed.append(doc_id)
        outcome.documents += 1
    for doc_id, doc in existing.items():
        if doc_id in wanted or doc_id == file_record_id(file.sha256):
            continue
        if any(f.origin != Origin.ocr for f in doc.fields):
            continue  # a reviewer worked on it: keep it for a person to reconcile
        session.execute(delete(FieldHistory).where(FieldHistory.document_id == doc_id))
        session.delete(doc)
    file.state = FileState.done
    file.error = None
    file.page_count = len(pages)
    return outcome


def save_file_error(
    session: Session, file: File, state: FileState, reason: str, versions: dict[str, Any]
) -> None:
    """Record a rejected or failed file as one record that carries the reason."""
    now = utcnow()
    file.state = state
    file.error = reason
    status = DocStatus.rejected if state == FileState.rejected else DocStatus.failed
    rec_id = file_record_id(file.sha256)
    doc = session.get(Document, rec_id)
    if doc is None:
        doc = Document(
            id=rec_id,
            file_sha256=file.sha256,
            created_at=now,
            versions=versions,
            doc_type="unknown",
            doc_type_confidence=0.0,
            status=status,
        )
        session.add(doc)
    if (doc.status, doc.error) != (status, reason):
        doc.status = status
        doc.error = reason
        doc.updated_at = now
    doc.page_start = None
    doc.page_end = None


def _dossier_documents(session: Session, dossier_id: str) -> list[Document]:
    stmt = (
        select(Document)
        .join(File, File.sha256 == Document.file_sha256)
        .where(File.dossier_id == dossier_id)
        .where(Document.status.not_in([DocStatus.rejected, DocStatus.failed]))
        .options(selectinload(Document.fields), selectinload(Document.checks))
        .order_by(Document.id)
    )
    return list(session.scalars(stmt))


def _readings(docs: Sequence[Document]) -> list[consistency.Reading]:
    """Each document's own reading of each field (an empty one where it read nothing):
    the dossier's evidence is weighed on what extraction read, never on values it put
    there itself, so reconciling again changes nothing."""
    return [
        consistency.Reading(
            doc.id,
            doc.doc_type,
            f.name,
            (f.value if f.origin != Origin.ocr else f.own_value) or "",
            f.own_confidence,
            fixed=f.origin != Origin.ocr or doc.status == DocStatus.verified,
        )
        for doc in docs
        for f in doc.fields
    ]


def _set_dossier_checks(
    doc: Document, rule: str, findings: Mapping[str, tuple[str, str | None, str | None]]
) -> bool:
    """Make the document's findings of ``rule`` equal ``findings`` (field -> message,
    paper value, reference value); a finding whose values changed is opened again,
    otherwise a reviewer's state is kept."""
    wanted = dict(findings)
    changed = False
    for row in [c for c in doc.checks if c.rule == rule]:
        evidence = wanted.pop(row.fields_key, None)
        if evidence is None:
            doc.checks.remove(row)
            changed = True
            continue
        if (row.message, row.paper_value, row.reference_value) != evidence:
            row.message, row.paper_value, row.reference_value = evidence
            row.state = CheckState.open
            changed = True
    for name, (message, paper, reference) in wanted.items():
        doc.checks.append(
            Check(
                rule=rule,
                severity=Severity.error,
                message=message,
                fields=[name],
                fields_key=name,
                paper_value=paper,
                reference_value=reference,
                source=consistency.SOURCE,
                state=CheckState.open,  # the column default comes only at flush
            )
        )
        changed = True
    return changed


def _fill(
    session: Session,
    doc: Document,
    row: FieldRow,
    fill: consistency.Fill | None,
    rows: dict[tuple[str, str], FieldRow],
    now: datetime,
) -> bool:
    """Give ``row`` the dossier's value (``fill``) or, without one, its own again."""
    if fill is None:
        if row.replaced is None:
            return False
        own = row.replaced
        if row.value != own.get("value"):
            reason = "the dossier's value withdrawn: the document's own reading restored"
            _history(session, doc, row, own.get("value"), DOSSIER_ACTOR, reason, now)
        row.value, row.valid, row.replaced = own.get("value"), own.get("valid"), None
        return True
    source = rows.get((fill.source.document_id, fill.source.field))
    replaced = {
        "value": row.own_value,
        "valid": row.own_valid,
        "source": fill.source.document_id,
    }
    valid = source.own_valid if source is not None else None
    if (row.value, row.valid, row.replaced) == (fill.value, valid, replaced):
        return False
    if row.value != fill.value:
        _history(session, doc, row, fill.value, DOSSIER_ACTOR, fill.message, now)
    row.value, row.valid, row.replaced = fill.value, valid, replaced
    return True


def reconcile_dossier(session: Session, dossier_id: str, threshold: float) -> list[str]:
    """Apply the evidence of the dossier's other documents (``crosscheck.dossier``) to each
    document's OCR fields (confidences; values the dossier fills in, the own reading kept in
    ``FieldRow.replaced`` and the change in the field's history) and to its
    ``dossier_mismatch`` and ``dossier_fill`` findings; the ids of changed documents.

    Runs after every file of the dossier is saved, under a lock on the dossier row, so the
    last file to finish sees all of them. Recomputed from the extraction's own confidences
    each time, so running it again changes nothing.
    """
    session.get(Dossier, dossier_id, with_for_update=True)
    docs = _dossier_documents(session, dossier_id)
    outcome = consistency.reconcile(_readings(docs))
    mismatches: dict[str, dict[str, tuple[str, str | None, str | None]]] = {}
    for m in outcome.mismatches:
        mismatches.setdefault(m.document_id, {})[m.field] = (m.message, m.value, m.other_value)
    fills: dict[str, dict[str, consistency.Fill]] = {}
    for x in outcome.fills:
        fills.setdefault(x.document_id, {})[x.field] = x
    rows = {(doc.id, f.name): f for doc in docs for f in doc.fields}
    now = utcnow()
    changed: list[str] = []
    for doc in docs:
        if doc.status == DocStatus.verified:
            continue
        touched = False
        mine = fills.get(doc.id, {})
        for f in doc.fields:
            if f.origin != Origin.ocr:
                continue
            fill = mine.get(f.name)
            touched |= _fill(session, doc, f, fill, rows, now)
            if fill is not None:
                target = fill.confidence
            else:
                target = outcome.confidence.get((doc.id, f.name), f.own_confidence)
            if f.valid is False:
                # Agreement never raises a value its validator rejects: "1 10" read on two
                # documents is still no engine capacity, and a CCCD that contradicts the
                # birth date beside it stays for a reviewer, however the dossier reads it.
                target = min(target, f.own_confidence)
            if round(target, 6) != round(f.confidence, 6):
                f.confidence = target
                touched = True
        touched |= _set_dossier_checks(doc, consistency.RULE, mismatches.get(doc.id, {}))
        taken = {name: (x.message, x.read or None, x.value) for name, x in mine.items()}
        touched |= _set_dossier_checks(doc, consistency.FILL_RULE, taken)
        touched |= _restatus(doc, threshold)
        if touched:
            doc.updated_at = now
            changed.append(doc.id)
    return changed
